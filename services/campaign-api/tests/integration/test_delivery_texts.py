"""The text each person was sent, as the dispatchers report it: kept with the
delivery, shown by `GET .../deliveries`, the CSV report and the console's results,
and erased once it is older than `DELIVERY_TEXT_RETENTION_DAYS`."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from uuid import UUID

import pytest
from campaign_api.repo import deliveries as deliveries_repo
from campaign_api.text_retention import TextRetention
from contracts.audience import Recipient, RecipientsResolvedV1
from contracts.base import utc_now
from contracts.dispatch import DeliveriesReportedV1, DeliveryResult
from contracts.names import INTERNAL_EXCHANGE, RoutingKey
from pydantic import BaseModel
from test_support.waiting import eventually

from .conftest import Api, Tenant, scheduled_campaign

pytestmark = pytest.mark.integration

OLD_TEXT = "Hi Ann, our spring offer is here.\n\nReply STOP to opt out."
NEW_TEXT = "Hi Bob, our spring offer is here"


async def publish(api: Api, message: BaseModel, routing_key: str) -> None:
    publisher = api.app.state.runtime.publisher
    await publisher.publish(message, exchange=INTERNAL_EXCHANGE, routing_key=routing_key)


async def deliveries(api: Api, tenant: Tenant, campaign: UUID) -> list[dict[str, object]]:
    answer = await api.call(tenant.admin, "GET", f"/v1/campaigns/{campaign}/deliveries", expect=200)
    items: list[dict[str, object]] = answer.json()["items"]
    return items


async def test_the_text_sent_is_shown_and_erased_after_its_retention(
    api: Api, tenant: Tenant
) -> None:
    campaign = await scheduled_campaign(api, tenant, ["1", "2", "3"])
    people = [
        Recipient(recipient_no=n, contact_id=f"tg-main:{n}", external_id=str(n), name=name)
        for n, name in ((1, "Ann"), (2, "Bob"), (3, "Cid"))
    ]
    await publish(
        api,
        RecipientsResolvedV1(
            campaign_id=campaign, tenant_id=tenant.id, batch_no=1, recipients=people
        ),
        RoutingKey.RECIPIENTS_RESOLVED,
    )
    now = utc_now()
    long_ago = now - timedelta(days=91)  # past the default retention of 90 days

    def sent(no: int, text: str | None, at: object) -> DeliveryResult:
        return DeliveryResult.model_validate(
            {
                "campaign_id": campaign,
                "recipient_no": no,
                "step_no": 1,
                "status": "sent",
                "attempts": 1,
                "platform_message_id": f"m{no}",
                "sent_at": at,
                "finished_at": at,
                "text": text,
            }
        )

    async def created() -> bool:
        return len(await deliveries(api, tenant, campaign)) == 3

    await eventually(created, what="the deliveries of the snapshot")
    results = [
        sent(1, OLD_TEXT, long_ago),
        sent(2, NEW_TEXT, now),
        DeliveryResult(
            campaign_id=campaign,
            recipient_no=3,
            step_no=1,
            status="failed",
            attempts=1,
            error_code="403",
            error_reason="Forbidden: bot was blocked by the user",
            finished_at=now,
        ),
    ]
    await publish(
        api,
        DeliveriesReportedV1(tenant_id=tenant.id, connection_id="tg-main", results=results),
        RoutingKey.DELIVERY_REPORTED,
    )

    async def texts() -> list[object] | None:
        found = [d["text"] for d in await deliveries(api, tenant, campaign)]
        return found if found[0] is not None else None

    assert await eventually(texts, what="the outcomes") == [OLD_TEXT, NEW_TEXT, None]
    report = await api.call(tenant.admin, "GET", f"/v1/campaigns/{campaign}/report.csv")
    rows = list(csv.DictReader(io.StringIO(report.text, newline="")))
    assert [row["text"] for row in rows] == [OLD_TEXT, NEW_TEXT, ""]

    retention: TextRetention = api.app.state.text_retention
    assert await retention.erase_expired() >= 1
    assert [d["text"] for d in await deliveries(api, tenant, campaign)] == [None, NEW_TEXT, None]
    assert await retention.erase_expired() == 0
    metrics = await api.call(None, "GET", "/metrics/", expect=200)
    assert "campaign_api_delivery_texts_erased_total" in metrics.text
    health = await api.call(None, "GET", "/health", expect=200)
    assert health.json()["checks"]["text_retention"] is True

    # with DELIVERY_TEXT_RETENTION_DAYS=0 the outcomes are written without their text
    pool = api.app.state.runtime.pool
    await pool.execute(
        "UPDATE deliveries SET status = 'pending', status_rank = 0 WHERE campaign_id = $1",
        campaign,
    )
    await deliveries_repo.record_results(pool, [sent(2, NEW_TEXT, now)], keep_texts=False)
    assert [d["text"] for d in await deliveries(api, tenant, campaign)] == [None, None, None]
