"""A campaign pauses itself, with the system as processes and the Telegram
simulator: when its failures pass the threshold its request set, and when the
platform refuses the sending account; either way it waits for a person.  (Named
to run after test_campaign_flow, which counts every sendMessage the simulator saw.)"""

from __future__ import annotations

import pytest
from test_support.api_client import CampaignApi
from test_support.waiting import eventually

from .conftest import World
from .paced_campaigns import AUDIENCE, new_tenant, paced_campaign, paused

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]


async def test_a_campaign_pauses_itself_when_half_its_messages_fail(world: World) -> None:
    telegram = world.sims.control("telegram")
    await telegram.configure(rate_per_second=None)
    first = 891000
    await telegram.set_recipients([first + n for n in range(0, AUDIENCE, 2)], "blocked")
    async with CampaignApi(world.system.api_url, await new_tenant(world)) as api:
        campaign_id = await paced_campaign(
            world,
            api,
            "423456789:AAE2Eautopause-token-for-simulated1",
            first,
            auto_pause={"failure_ratio": 0.4, "window": 10},
        )
        campaign = await paused(api, campaign_id)
    pause = campaign["pause"]
    assert pause["reason"] == "failure_rate"
    assert pause["failure_rate"]["attempts"] == 10
    assert pause["failure_rate"]["failed"] >= 4
    progress = campaign["progress"]
    assert progress["delivered"] + progress["failed"] < AUDIENCE, "it did not stop"


async def test_a_campaign_pauses_itself_when_the_platform_refuses_its_account(
    world: World,
) -> None:
    telegram = world.sims.control("telegram")
    await telegram.configure(rate_per_second=None)
    token = "523456789:AAE2Erestricted-token-for-simulated"
    async with CampaignApi(world.system.api_url, await new_tenant(world)) as api:
        campaign_id = await paced_campaign(world, api, token, 892000)

        async def some_delivered() -> bool:  # as the platform saw them: no lag
            calls = await telegram.calls(method="sendMessage", account=token.split(":")[0])
            return len([c for c in calls if c["status"] == 200]) >= 3

        await eventually(some_delivered, timeout=60, interval=0.1, what="three deliveries")
        await telegram.set_account(token.split(":")[0], "unauthorized")
        campaign = await paused(api, campaign_id)
    assert campaign["pause"]["reason"] == "account_restricted"
    assert campaign["pause"]["platform_code"]
    progress = campaign["progress"]
    assert progress["delivered"] + progress["failed"] < AUDIENCE, "it did not stop"
