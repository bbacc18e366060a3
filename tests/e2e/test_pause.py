"""Pause and resume through the API while a paced campaign runs, with the system
as processes and the Telegram simulator: within a second of the pause nothing
more reaches the platform, not even across a restart of the dispatcher while it
is paused, and the resume carries on where it stopped: every recipient gets the
message once, none twice, none lost."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

import pytest
from test_support.api_client import CampaignApi
from test_support.waiting import eventually

from .conftest import World
from .paced_campaigns import AUDIENCE, new_tenant, paced_campaign, paused

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

TOKEN = "723456791:AAE2Epause-token-for-the-simulatedb"
FIRST_ID = 890001
PAUSE_TAKES_HOLD = 1.0
"""The promise: nothing more goes to the platform this long after the pause."""


async def test_a_pause_holds_across_a_dispatcher_restart_and_the_resume_loses_nothing(
    world: World,
) -> None:
    key = await new_tenant(world)
    telegram = world.sims.control("telegram")
    await telegram.configure(rate_per_second=None)
    account = TOKEN.split(":")[0]

    async def delivered() -> list[dict[str, Any]]:
        calls = await telegram.calls(method="sendMessage", account=account)
        return [c for c in calls if c["status"] == 200]

    async with CampaignApi(world.system.api_url, key) as api:
        campaign_id = await paced_campaign(world, api, TOKEN, FIRST_ID)

        async def some_delivered() -> bool:
            return len(await delivered()) >= 3

        await eventually(some_delivered, timeout=60, interval=0.1, what="three deliveries")
        paused_at = time.time()
        await api.call("POST", f"/v1/campaigns/{campaign_id}/pause", expect=202)
        shown = await paused(api, campaign_id, timeout=10)
        assert shown["pause"]["reason"] == "requested"

        # restarted while paused: once the pause has taken hold, nothing is in flight
        await asyncio.sleep(max(0.0, paused_at + PAUSE_TAKES_HOLD + 0.5 - time.time()))
        await world.system.restart("dispatcher-telegram", kill=True)
        held = await delivered()
        late = [c for c in held if c["at"] > paused_at + PAUSE_TAKES_HOLD]
        assert late == [], "sent more than a second after the pause"
        assert len(held) < AUDIENCE

        seen: dict[str, Any] = {}

        async def held_back() -> bool:  # what the dispatcher had came back, not sent
            found = await api.campaign(campaign_id)
            seen.update(found["progress"], at_simulator=len(await delivered()))
            return bool(seen["delivered"] == len(held) and seen["remaining"] > 0)

        try:
            await eventually(held_back, timeout=20, interval=0.2, what="the rest held back")
        except AssertionError as missed:
            raise AssertionError(f"{missed}; held {len(held)}, last seen {seen}") from None
        assert len(await delivered()) == len(held), "sent while paused"

        await api.call("POST", f"/v1/campaigns/{campaign_id}/resume", expect=202)

        async def completed() -> dict[str, Any] | None:
            found = await api.campaign(campaign_id)
            return found if found["status"] == "completed" else None

        campaign = await eventually(completed, timeout=60, interval=0.3, what="the end")

    sent = Counter(str(c["recipient"]) for c in await delivered())
    assert set(sent) == {str(FIRST_ID + n) for n in range(AUDIENCE)}, "someone was lost"
    assert set(sent.values()) == {1}, "someone got it twice"
    progress = campaign["progress"]
    assert (progress["delivered"], progress["failed"], progress["cancelled"]) == (AUDIENCE, 0, 0)
