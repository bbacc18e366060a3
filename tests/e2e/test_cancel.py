"""Cancel through the API while a paced campaign runs: the deliveries not yet sent
are marked cancelled in campaign-api (progress, deliveries, CSV), nothing more
reaches the platform, and a second cancel is a clear 409."""

from __future__ import annotations

import csv
import io
import uuid
from collections import Counter
from typing import Any

import pytest
from test_support.api_client import CampaignApi
from test_support.waiting import eventually

from .conftest import World
from .paced_campaigns import AUDIENCE, paced_campaign

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

TOKEN = "223456789:AAE2Ecancel-token-for-the-simulated"


async def test_a_cancel_marks_the_rest_cancelled_everywhere(world: World) -> None:
    tenant = f"cancel-{uuid.uuid4().hex[:6]}"
    async with CampaignApi(world.system.api_url, world.system.platform_key) as platform:
        key = await platform.create_tenant(tenant, subscription_ends_at="2099-01-01T00:00:00Z")
    telegram = world.sims.control("telegram")
    await telegram.configure(rate_per_second=None)
    async with CampaignApi(world.system.api_url, key) as api:
        campaign_id = await paced_campaign(world, api, TOKEN, 880001, interval_seconds=0.3)

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
