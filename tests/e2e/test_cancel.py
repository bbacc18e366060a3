"""Cancel through the API while a paced campaign runs: the deliveries not yet sent
are marked cancelled in campaign-api (progress, deliveries, CSV), nothing more
reaches the platform, and a second cancel is a clear 409."""

from __future__ import annotations

import csv
import io
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from test_support.api_client import CampaignApi
from test_support.waiting import eventually

from .conftest import World

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

TOKEN = "223456789:AAE2Ecancel-token-for-the-simulated"
AUDIENCE = 30


async def test_a_cancel_marks_the_rest_cancelled_everywhere(world: World) -> None:
    tenant = f"cancel-{uuid.uuid4().hex[:6]}"
    connection = "tg-cancel"
    async with CampaignApi(world.system.api_url, world.system.platform_key) as platform:
        key = await platform.create_tenant(tenant, subscription_ends_at="2099-01-01T00:00:00Z")
    telegram = world.sims.control("telegram")
    await telegram.configure(rate_per_second=None)
    async with CampaignApi(world.system.api_url, key) as api:
        await api.call(
            "PUT",
            f"/v1/connections/{connection}",
            json={"channel": "telegram_bot", "credentials": {"token": TOKEN}},
        )
        rows = [f"{connection},{880000 + n},Person {n},cancel" for n in range(1, AUDIENCE + 1)]
        await api.import_contacts(
            "connection_id,external_id,name,labels\n" + "\n".join(rows) + "\n"
        )
        audience = {"kind": "filter", "connection_ids": [connection], "labels_any": ["cancel"]}
        await api.until_estimated(audience, AUDIENCE)
        # a start time as the API prints them
        start = (datetime.now(UTC) + timedelta(seconds=2)).strftime("%Y-%m-%d %H:%M:%S UTC")
        created = await api.call(
            "POST",
            "/v1/campaigns",
            json={
                "connection_id": connection,
                "audience": audience,
                "content": {"kind": "text", "text": "Hi {name}"},
                "interval_seconds": 0.3,
                "start_at": start,
            },
        )
        campaign_id = created["campaign_id"]

        async def some_delivered() -> bool:
            found = await api.campaign(campaign_id)
            return bool(found["progress"]["delivered"] >= 3)

        await eventually(some_delivered, timeout=60, interval=0.2, what="three deliveries")
        await api.call("POST", f"/v1/campaigns/{campaign_id}/cancel", expect=202)

        async def cancelled() -> dict[str, Any] | None:
            found = await api.campaign(campaign_id)
            progress = found["progress"]
            done = progress["delivered"] + progress["failed"] + progress["cancelled"]
            return found if found["status"] == "cancelled" and done == AUDIENCE else None

        campaign = await eventually(cancelled, timeout=60, interval=0.3, what="the cancel")
        again = await api.call("POST", f"/v1/campaigns/{campaign_id}/cancel", expect=409)
        report = await api.call("GET", f"/v1/campaigns/{campaign_id}/report.csv")

    progress = campaign["progress"]
    assert progress["remaining"] == 0
    assert progress["failed"] == 0
    assert 3 <= progress["delivered"] < AUDIENCE
    assert progress["cancelled"] == AUDIENCE - progress["delivered"]
    assert "nothing to cancel" in str(again)

    statuses = Counter(row["status"] for row in csv.DictReader(io.StringIO(report)))
    assert statuses == {"sent": progress["delivered"], "cancelled": progress["cancelled"]}
    calls = await telegram.calls(method="sendMessage", account=TOKEN.split(":")[0])
    sent = {str(c["recipient"]) for c in calls if c["status"] == 200}
    assert len(sent) == progress["delivered"], "the platform got more than was reported sent"
