"""A bot whose token Telegram refuses (401) is paused, and fails what it cannot
send; a successful check of that same token (`connection.checked.v1`, published
by the campaign-api) lifts the pause, and the next messages go out.  A check of
other credentials lifts nothing."""

from __future__ import annotations

import uuid

import pytest
from contracts.base import utc_now
from contracts.names import RoutingKey
from contracts.tenants import ConnectionCheckedV1, credentials_digest
from platform_sim.client import RunningSimulators
from service_kit.publishing import encode
from starlette.applications import Starlette
from test_support.waiting import eventually

from .conftest import TOKEN, Harness, job

pytestmark = pytest.mark.integration

BOT_ID = TOKEN.split(":")[0]


async def check(harness: Harness, dispatcher: Starlette, token: str, handled: int) -> None:
    """Publish a successful check of `token` and wait until it was handled."""
    event = ConnectionCheckedV1(
        tenant_id="t1",
        connection_id="bot-c1",
        channel="telegram_bot",
        credentials_digest=credentials_digest({"token": token}),
        checked_at=utc_now(),
    )
    await harness.publish(RoutingKey.CONNECTION_CHECKED, encode(event))
    registry = dispatcher.state.runtime.registry
    labels = {"queue": "dispatcher-telegram.connection-checks", "outcome": "handled"}

    async def done() -> bool:
        return registry.get_sample_value("consumer_messages_total", labels) == handled

    await eventually(done, what=f"{handled} checks handled")


async def test_a_successful_check_lifts_a_pause_for_a_refused_token(
    harness: Harness, sims: RunningSimulators, dispatcher: Starlette
) -> None:
    telegram = sims.control("telegram")
    await telegram.set_account(BOT_ID, "unauthorized")
    await harness.connect("bot-c1", rate_per_second=100)
    campaign = uuid.uuid4()
    await harness.send("bot-c1", [job(campaign, 1)])
    first = (await harness.collect(1))[(campaign, 1, 1)][-1]
    assert (first.status, first.error_code) == ("failed", "401")

    # the platform takes the token again, but only a check of it lifts the pause;
    # a check of another token does not
    await telegram.set_account(BOT_ID, "ok")
    await check(harness, dispatcher, TOKEN + "x", handled=1)
    await harness.send("bot-c1", [job(campaign, 2)])
    second = (await harness.collect(2))[(campaign, 2, 1)][-1]
    assert (second.status, second.error_code) == ("failed", "connection.paused")

    await check(harness, dispatcher, TOKEN, handled=2)
    await harness.send("bot-c1", [job(campaign, 3)])
    third = (await harness.collect(3))[(campaign, 3, 1)][-1]
    assert third.status == "sent"
    calls = await telegram.calls(method="sendMessage", account=BOT_ID)
    assert [c["status"] for c in calls] == [401, 200]
