"""What happens while a message waits to be sent again, and what is 'sending':
a cancel during a 429's wait stops the resend; a 429 never drops a message
however often it comes; the wait it asked for holds across a restart; a chat
that keeps moving is followed a few times only; only messages on the wire are
'sending'."""

from __future__ import annotations

import uuid

import asyncpg
import pytest
from contracts.base import utc_now
from contracts.scheduling import CampaignCancelRequestedV1
from dispatcher_telegram.settings import Settings
from platform_sim.client import RunningSimulators
from service_kit.publishing import encode
from starlette.applications import Starlette
from test_support.waiting import eventually

from .conftest import Harness, harness_for, job, running

pytestmark = pytest.mark.integration

ONE_CHAT_AT_A_TIME = {"per_recipient_interval_seconds": 0}
"""Resends to one chat without the 1 s per chat, which these tests are not about."""


async def test_a_cancel_during_a_429_wait_stops_the_resend(
    harness: Harness, sims: RunningSimulators, dispatcher: Starlette
) -> None:
    telegram = sims.control("telegram")
    await telegram.add_fault(kind="retry_after", method="sendMessage", retry_after=2)
    await harness.connect("bot-w1", rate_per_second=100)
    campaign = uuid.uuid4()
    await harness.send("bot-w1", [job(campaign, 1)])

    async def refused() -> bool:
        return len(await telegram.calls(method="sendMessage")) == 1

    await eventually(refused, what="the first call, refused for the rate")
    cancel = CampaignCancelRequestedV1(campaign_id=campaign, tenant_id="t1", requested_at=utc_now())
    await harness.publish("campaign.cancel.v1", encode(cancel))
    results = await harness.collect(1)
    assert [r.status for r in results[(campaign, 1, 1)]] == ["cancelled"]
    calls = await telegram.calls(method="sendMessage")
    assert [c["status"] for c in calls] == [429]  # the resend never went


async def test_a_message_refused_for_its_rate_again_and_again_is_still_sent(
    harness: Harness, sims: RunningSimulators
) -> None:
    telegram = sims.control("telegram")
    await telegram.add_fault(
        kind="retry_after", method="sendMessage", recipient="1001", retry_after=0, times=25
    )
    await harness.connect("bot-w2", rate_per_second=100, **ONE_CHAT_AT_A_TIME)
    campaign = uuid.uuid4()
    await harness.send("bot-w2", [job(campaign, 1), job(campaign, 2)])
    results = await harness.collect(2)
    sent = results[(campaign, 1, 1)][-1]
    assert (sent.status, sent.attempts) == ("sent", 26)
    assert results[(campaign, 2, 1)][-1].status == "sent"
    calls = await telegram.calls(method="sendMessage")
    to_first = [c["status"] for c in calls if c["recipient"] == "1001"]
    assert to_first == [429] * 25 + [200]


async def test_the_wait_a_429_asked_for_holds_across_a_restart(
    settings: Settings, rabbitmq_url: str, sims: RunningSimulators, clean_queues: None
) -> None:
    telegram = sims.control("telegram")
    await telegram.add_fault(kind="retry_after", method="sendMessage", retry_after=3)
    campaign = uuid.uuid4()
    async with harness_for(rabbitmq_url) as harness:
        async with running(settings):
            await harness.connect("bot-w3", rate_per_second=100)
            await harness.send("bot-w3", [job(campaign, 1), job(campaign, 2)])

            async def refused() -> bool:
                return len(await telegram.calls(method="sendMessage")) == 1

            await eventually(refused, what="the first call, refused for the rate")
        # stopped within the wait; another process (here: the next one) sends now
        async with running(settings):
            results = await harness.collect(2)
    assert {found[-1].status for found in results.values()} == {"sent"}
    calls = await telegram.calls(method="sendMessage")
    assert [c["status"] for c in calls] == [429, 200, 200]
    assert calls[1]["at"] - calls[0]["at"] >= 3.0


async def test_a_chat_that_keeps_moving_is_followed_three_times_only(
    harness: Harness, sims: RunningSimulators
) -> None:
    telegram = sims.control("telegram")
    await telegram.configure(migrate_to=-1009)
    await telegram.set_recipient("1001", "migrated")
    await telegram.set_recipient("-1009", "migrated")  # and it moves "again", to itself
    await harness.connect("bot-w4", rate_per_second=100, **ONE_CHAT_AT_A_TIME)
    campaign = uuid.uuid4()
    await harness.send("bot-w4", [job(campaign, 1)])
    results = await harness.collect(1)
    failed = results[(campaign, 1, 1)][-1]
    assert (failed.status, failed.error_code) == ("failed", "redirects")
    assert "moved 4 times" in (failed.error_reason or "")
    calls = await telegram.calls(method="sendMessage")
    assert [c["recipient"] for c in calls] == ["1001", "-1009", "-1009", "-1009"]


async def test_a_group_that_moved_gets_the_message_where_it_went(
    harness: Harness, sims: RunningSimulators
) -> None:
    telegram = sims.control("telegram")
    await telegram.set_recipient("1001", "migrated")
    await harness.connect("bot-w5", rate_per_second=100)
    campaign = uuid.uuid4()
    await harness.send("bot-w5", [job(campaign, 1)])
    results = await harness.collect(1)
    assert results[(campaign, 1, 1)][-1].status == "sent"
    calls = await telegram.calls(method="sendMessage")
    assert [(c["recipient"], c["status"]) for c in calls] == [("1001", 400), ("-1001001", 200)]


async def test_only_messages_on_the_wire_are_sending(
    harness: Harness, sims: RunningSimulators, database_url: str
) -> None:
    # 4 may be in flight, but at 2 a second and 200 ms a call only one ever is:
    # the others must not be 'sending' (a crash would leave them 'unknown')
    await sims.control("telegram").configure(latency_ms=200)
    await harness.connect("bot-w6", rate_per_second=2, max_in_flight=4)
    campaign = uuid.uuid4()
    await harness.send("bot-w6", [job(campaign, n) for n in range(1, 6)])
    database = await asyncpg.connect(database_url)
    most = 0
    try:

        async def done() -> bool:
            nonlocal most
            rows = await database.fetch(
                "SELECT status, count(*) FROM dispatcher_telegram.deliveries"
                " WHERE campaign_id = $1 GROUP BY status",
                campaign,
            )
            counts = {row["status"]: row["count"] for row in rows}
            most = max(most, counts.get("sending", 0))
            return counts.get("sent", 0) == 5

        await eventually(done, timeout=20, interval=0.01, what="every message sent")
    finally:
        await database.close()
    assert most == 1
    results = await harness.collect(5)
    assert {found[-1].status for found in results.values()} == {"sent"}
