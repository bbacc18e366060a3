"""Webhooks (issue 17): campaign events reach a tenant's webhook signed (verified
here as a receiver would), once each, retried with backoff until a 2xx or 24
hours, and logged; replicas share the sending.  The receiver is a real local HTTP
server; the API's settings allow loopback and retry within a fraction of a second."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from campaign_api.webhooks import WebhookEvent, enqueue
from campaign_api.webhooks.sender import WebhookSender
from campaign_api.webhooks.signing import EVENT_ID_HEADER, SIGNATURE_HEADER, verify
from contracts.audience import Recipient, RecipientsResolvedV1
from contracts.base import utc_now
from contracts.campaigns import CampaignRequestedV1, CampaignStartedV1
from contracts.dispatch import DeliveriesReportedV1, DeliveryResult
from contracts.names import CAMPAIGNS_EXCHANGE, INTERNAL_EXCHANGE, RoutingKey
from test_support.waiting import eventually

from .conftest import Api, Tenant, complete, scheduled_campaign
from .test_usecases import services
from .webhook_calls import log_of, publish, register, sender_of, signed
from .webhook_receiver import Receiver, receiving

pytestmark = pytest.mark.integration


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with receiving() as running:
        yield running


async def test_a_test_event_is_signed_answered_and_logged(
    api: Api, tenant: Tenant, receiver: Receiver
) -> None:
    created = await register(api, tenant, receiver.url("/hook"), events=["campaign.completed"])
    secret = created["secret"]
    assert secret.startswith("whsec_")
    assert created["events"] == ["campaign.completed"]
    listed = await api.call(tenant.admin, "GET", "/v1/webhooks", expect=200)
    assert [w["id"] for w in listed.json()] == [created["id"]]
    assert "secret" not in listed.json()[0]
    stored = await services(api).pool.fetchval(
        "SELECT sealed_secret FROM webhooks WHERE id = $1", uuid.UUID(created["id"])
    )
    assert secret not in stored

    answered = await api.call(
        tenant.admin, "POST", f"/v1/webhooks/{created['id']}/test", expect=200
    )
    outcome = answered.json()
    assert (outcome["status"], outcome["attempts"], outcome["last_status_code"]) == (
        "delivered",
        1,
        200,
    )
    (got,) = receiver.at("/hook")
    assert signed(got, secret)
    assert not verify(secret, got.headers[SIGNATURE_HEADER], got.body + b" ", now=int(time.time()))
    assert not signed(got, "whsec_another")
    assert got.headers[EVENT_ID_HEADER] == outcome["id"]
    body = json.loads(got.body)
    assert (body["id"], body["type"], body["tenant_id"]) == (
        outcome["id"],
        "webhook.test",
        tenant.id,
    )
    assert [row["id"] for row in await log_of(api, tenant, created["id"])] == [outcome["id"]]

    metrics = await api.call(None, "GET", "/metrics/", expect=200)
    assert 'webhook_attempts_total{event_type="webhook.test",outcome="delivered"}' in metrics.text
    health = await api.call(None, "GET", "/health", expect=200)
    assert health.json()["checks"]["webhook_sender"] is True

    rotated = await api.call(
        tenant.admin, "POST", f"/v1/webhooks/{created['id']}/rotate-secret", expect=200
    )
    await api.call(tenant.admin, "POST", f"/v1/webhooks/{created['id']}/test", expect=200)
    assert signed(receiver.at("/hook")[-1], rotated.json()["secret"])
    assert not signed(receiver.at("/hook")[-1], secret)


async def test_an_accepted_campaign_is_retried_with_backoff_until_answered(
    api: Api, tenant: Tenant, receiver: Receiver
) -> None:
    created = await register(api, tenant, receiver.url("/flaky"))
    receiver.answers["/flaky"] = [500, 503, 404]
    campaign = await scheduled_campaign(api, tenant, ["1", "2"])

    async def delivered() -> dict[str, Any] | None:
        rows = await log_of(api, tenant, created["id"])
        return rows[0] if rows and rows[0]["status"] == "delivered" else None

    row = await eventually(delivered, timeout=15, what="the accepted event delivered")
    assert (row["event_type"], row["campaign_id"], row["attempts"]) == (
        "campaign.accepted",
        str(campaign),
        4,
    )
    attempts = receiver.at("/flaky")
    assert len(attempts) == 4
    assert {a.headers[EVENT_ID_HEADER] for a in attempts} == {row["id"]}
    assert all(signed(a, created["secret"]) for a in attempts)
    waits = [later.at - earlier.at for earlier, later in itertools.pairwise(attempts)]
    # backoff 0.2 s doubling (up to 10% jitter off), at most 1 s; polled every 0.1 s
    assert 0.15 <= waits[0] < waits[2]
    assert waits[1] >= 0.3
    assert waits[2] >= 0.6
    body = json.loads(attempts[0].body)
    assert body["data"]["campaign_ids"] == [str(campaign)]


async def test_a_delivery_not_answered_in_24_hours_fails(
    api: Api, tenant: Tenant, receiver: Receiver
) -> None:
    created = await register(api, tenant, receiver.url("/down"), events=["campaign.accepted"])
    receiver.answers["/down"] = [500] * 1000
    await scheduled_campaign(api, tenant, ["1"])
    pool = services(api).pool
    # the clock moved on 24 hours: the event is that old
    await pool.execute(
        "UPDATE webhook_deliveries SET created_at = created_at - interval '24 hours' "
        "WHERE webhook_id = $1",
        uuid.UUID(created["id"]),
    )

    async def failed() -> dict[str, Any] | None:
        rows = await log_of(api, tenant, created["id"])
        return rows[0] if rows and rows[0]["status"] == "failed" else None

    row = await eventually(failed, timeout=10, what="the delivery given up")
    assert row["last_status_code"] == 500
    assert "HTTP 500" in row["last_error"]
    assert row["next_attempt_at"] is None
    count = len(receiver.at("/down"))
    await api.call(tenant.admin, "GET", "/v1/webhooks", expect=200)
    assert len(receiver.at("/down")) == count  # no attempt after the last


async def test_campaign_life_and_progress_reach_the_webhook_once_each(
    api: Api, tenant: Tenant, receiver: Receiver
) -> None:
    created = await register(
        api,
        tenant,
        receiver.url("/life"),
        events=["campaign.started", "campaign.progress", "campaign.completed"],
        progress_step=25,
    )
    campaign = await scheduled_campaign(api, tenant, [str(n) for n in range(1, 11)])
    started = CampaignStartedV1(
        campaign_id=campaign,
        tenant_id=tenant.id,
        connection_id="tg-main",
        name="n",
        audience_size=10,
        started_at=utc_now(),
    )
    for _ in range(2):  # redelivered: told once
        await publish(api, CAMPAIGNS_EXCHANGE, RoutingKey.CAMPAIGN_STARTED, started)
    people = [
        Recipient(recipient_no=n, contact_id=f"tg-main:{n}", external_id=str(n), name=f"P{n}")
        for n in range(1, 11)
    ]
    resolved = RecipientsResolvedV1(
        campaign_id=campaign, tenant_id=tenant.id, batch_no=1, recipients=people
    )
    await publish(api, INTERNAL_EXCHANGE, RoutingKey.RECIPIENTS_RESOLVED, resolved)
    pool = services(api).pool

    async def stored() -> bool:
        found = await pool.fetchval(
            "SELECT count(*) FROM deliveries WHERE campaign_id = $1", campaign
        )
        return bool(found == 10)

    await eventually(stored, what="the recipients stored")
    for first, last in ((1, 3), (4, 6), (7, 7), (8, 10)):
        outcomes = DeliveriesReportedV1(
            tenant_id=tenant.id,
            connection_id="tg-main",
            results=[
                DeliveryResult(
                    campaign_id=campaign,
                    recipient_no=n,
                    step_no=1,
                    status="sent",
                    finished_at=utc_now(),
                )
                for n in range(first, last + 1)
            ],
        )
        await publish(api, INTERNAL_EXCHANGE, RoutingKey.DELIVERY_REPORTED, outcomes)

        async def counted(last: int = last) -> bool:
            found = await pool.fetchval(
                "SELECT count(*) FROM deliveries WHERE campaign_id = $1 AND status = 'sent'",
                campaign,
            )
            return bool(found == last)

        await eventually(counted, what="the outcomes recorded")
    await complete(api, tenant, str(campaign))
    await complete(api, tenant, str(campaign))

    async def all_delivered() -> list[dict[str, Any]] | None:
        rows = await log_of(api, tenant, created["id"])
        done = rows and all(r["status"] == "delivered" for r in rows) and len(rows) >= 5
        return rows if done else None

    await eventually(all_delivered, timeout=15, what="the events delivered")
    bodies = [json.loads(r.body) for r in receiver.at("/life")]
    told = sorted((b["type"], b["data"].get("percent")) for b in bodies)
    assert told == [
        ("campaign.completed", None),
        ("campaign.progress", 25),
        ("campaign.progress", 50),
        ("campaign.progress", 100),
        ("campaign.started", None),
    ]
    assert all(b["campaign_id"] == str(campaign) for b in bodies)


async def test_a_refused_campaign_request_is_told_as_rejected(
    api: Api, tenant: Tenant, receiver: Receiver
) -> None:
    created = await register(api, tenant, receiver.url("/rejected"), events=["campaign.rejected"])
    request = CampaignRequestedV1.model_validate(
        {
            "request_id": f"r-{uuid.uuid4().hex[:8]}",
            "tenant_id": tenant.id,
            "connection_id": "no-such-connection",
            "audience": {"kind": "list", "external_ids": ["1"]},
            "content": {"kind": "text", "text": "Hi"},
        }
    )
    await publish(api, CAMPAIGNS_EXCHANGE, RoutingKey.CAMPAIGN_REQUESTED, request)

    async def delivered() -> list[dict[str, Any]] | None:
        rows = await log_of(api, tenant, created["id"])
        return rows if rows and rows[0]["status"] == "delivered" else None

    (row,) = await eventually(delivered, timeout=15, what="the rejection delivered")
    assert (row["event_type"], row["campaign_id"]) == ("campaign.rejected", None)
    (got,) = receiver.at("/rejected")
    data = json.loads(got.body)["data"]
    assert data["request_id"] == request.request_id
    assert "no-such-connection" in data["reason"]


async def test_replicas_share_the_due_deliveries_and_send_each_once(
    api: Api, tenant: Tenant, receiver: Receiver
) -> None:
    created = await register(api, tenant, receiver.url("/shared"), events=["campaign.rejected"])
    pool = services(api).pool
    async with pool.acquire() as conn, conn.transaction():
        for n in range(40):
            await enqueue(conn, tenant.id, WebhookEvent.REJECTED, None, {"n": n})
    async with sender_of(api) as second, sender_of(api) as third:  # beside the app's own

        async def work(sender: WebhookSender) -> int:
            done = 0
            for _ in range(20):
                done += await sender.run_once()
            return done

        await asyncio.gather(work(second), work(third))

    async def all_delivered() -> bool:
        page = await api.call(
            tenant.admin, "GET", f"/v1/webhooks/{created['id']}/deliveries?limit=100"
        )
        rows = page.json()["items"]
        return len(rows) == 40 and all(r["status"] == "delivered" for r in rows)

    await eventually(all_delivered, what="every delivery sent")
    ids = [r.headers[EVENT_ID_HEADER] for r in receiver.at("/shared")]
    assert len(ids) == len(set(ids)) == 40
