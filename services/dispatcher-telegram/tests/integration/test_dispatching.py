"""dispatcher-telegram in-process on the real broker and database, sending to the
Telegram simulator: outcomes, exactly-once claims, 429, pacing, cancellations."""

from __future__ import annotations

import uuid

import pytest
from contracts.base import utc_now
from contracts.dispatch import (
    DispatchJob,
    OutboundMedia,
)
from contracts.names import RoutingKey
from contracts.scheduling import CampaignCancelRequestedV1
from platform_sim.client import RunningSimulators
from service_kit.publishing import encode
from starlette.applications import Starlette
from test_support.rates import busiest_window, mean_rate
from test_support.waiting import eventually

from .conftest import Harness, job

pytestmark = pytest.mark.integration


async def test_sends_each_job_and_reports_the_platforms_answer(
    harness: Harness, sims: RunningSimulators
) -> None:
    telegram = sims.control("telegram")
    await telegram.set_recipient("1002", "blocked")
    await telegram.set_recipient("1003", "not_found")
    await harness.connect("bot-a", rate_per_second=200)
    campaign = uuid.uuid4()
    photo = DispatchJob(
        **{
            **job(campaign, 4).model_dump(),
            "content": OutboundMedia(
                media_type="photo", file="https://example.com/a.jpg", caption="look"
            ),
        }
    )
    await harness.send("bot-a", [job(campaign, 1), job(campaign, 2), job(campaign, 3), photo])
    results = await harness.collect(4)
    by_no = {key[1]: found[-1] for key, found in results.items()}
    assert by_no[1].status == "sent"
    assert by_no[1].platform_message_id
    assert (by_no[2].status, by_no[2].error_code, by_no[2].error_reason) == (
        "failed",
        "403",
        "Forbidden: bot was blocked by the user",
    )
    assert (by_no[3].status, by_no[3].error_reason) == ("failed", "Bad Request: chat not found")
    assert by_no[4].status == "sent"
    calls = await telegram.calls()
    assert [c["method"] for c in calls].count("sendPhoto") == 1
    assert next(c for c in calls if c["method"] == "sendPhoto")["params"]["caption"] == "look"


async def test_a_batch_repeating_one_still_being_sent_sends_nothing_twice(
    harness: Harness, sims: RunningSimulators
) -> None:
    # the second batch is read (and its jobs looked up) while the first one's
    # jobs are still going out, so what it finds of them is already stale
    await harness.connect("bot-r", rate_per_second=100)
    campaign = uuid.uuid4()
    jobs = [job(campaign, n) for n in range(1, 41)]
    await harness.send("bot-r", jobs)
    await harness.send("bot-r", [*jobs[10:], job(campaign, 41)])
    results = await harness.collect(41)
    assert all(found[0].status == "sent" for found in results.values())
    for found in results.values():
        assert len({r.platform_message_id for r in found}) == 1
    calls = await sims.control("telegram").calls(method="sendMessage")
    assert sorted(str(c["params"]["chat_id"]) for c in calls) == sorted(
        j.recipient.external_id for j in [*jobs, job(campaign, 41)]
    )


async def test_a_redelivered_job_is_never_sent_twice(
    harness: Harness, sims: RunningSimulators
) -> None:
    await harness.connect("bot-b", rate_per_second=200)
    campaign = uuid.uuid4()
    jobs = [job(campaign, n) for n in range(1, 6)]
    await harness.send("bot-b", jobs)
    await harness.collect(5)
    await harness.send("bot-b", jobs)  # the scheduler released them again after a crash

    async def reported_twice() -> bool:
        await harness.collect(5)
        return all(len(found) >= 2 for found in harness.results.values())

    await eventually(reported_twice, what="the repeated outcomes")
    for found in harness.results.values():
        assert found[0].platform_message_id == found[1].platform_message_id
    calls = await sims.control("telegram").calls(method="sendMessage")
    assert len(calls) == 5


async def test_429_pauses_the_connection_and_resends(
    harness: Harness, sims: RunningSimulators
) -> None:
    telegram = sims.control("telegram")
    await telegram.add_fault(kind="retry_after", method="sendMessage", retry_after=1)
    await harness.connect("bot-c", rate_per_second=200)
    campaign = uuid.uuid4()
    await harness.send("bot-c", [job(campaign, 1), job(campaign, 2)])
    results = await harness.collect(2)
    assert {found[-1].status for found in results.values()} == {"sent"}
    calls = await telegram.calls(method="sendMessage")
    assert [c["status"] for c in calls] == [429, 200, 200]
    assert calls[1]["at"] - calls[0]["at"] >= 0.95


async def test_transient_errors_are_retried_then_fail_with_the_last_reason(
    harness: Harness, sims: RunningSimulators
) -> None:
    telegram = sims.control("telegram")
    await telegram.add_fault(kind="server_error", method="sendMessage", recipient="1001", times=1)
    await harness.connect("bot-d", rate_per_second=200, max_attempts=2)
    campaign = uuid.uuid4()
    await harness.send("bot-d", [job(campaign, 1)])
    first = await harness.collect(1)
    assert next(iter(first.values()))[-1].status == "sent"
    await telegram.add_fault(kind="server_error", method="sendMessage", recipient="1002", times=5)
    await harness.send("bot-d", [job(campaign, 2)])
    results = await harness.collect(2)
    failed = results[(campaign, 2, 1)][-1]
    assert failed.status == "failed"
    assert failed.error_code == "5xx"
    assert "gave up after 2 attempts" in (failed.error_reason or "")


async def test_default_rate_holds_in_every_second(
    harness: Harness, sims: RunningSimulators
) -> None:
    # the simulator takes everything, so a send over the limit would show (and
    # reach the person) instead of being refused and retried
    telegram = sims.control("telegram")
    await telegram.configure(rate_per_second=None, per_recipient_per_second=None)
    await harness.connect("bot-e")  # the default 30/s
    campaign = uuid.uuid4()
    await harness.send("bot-e", [job(campaign, n) for n in range(1, 91)])
    await harness.collect(90, timeout=20)
    calls = await telegram.calls(method="sendMessage")
    at = [c["at"] for c in calls]
    assert len(at) == 90
    assert [c["status"] for c in calls] == [200] * 90  # no 429 was needed
    assert busiest_window(at) <= 30
    assert mean_rate(at) >= 28.5
    assert "allow_paid_broadcast" not in calls[0]["params"]


async def test_a_paid_broadcast_bot_says_so_in_every_message(
    harness: Harness, sims: RunningSimulators
) -> None:
    telegram = sims.control("telegram")
    await harness.connect("bot-p", rate_per_second=200)
    campaign = uuid.uuid4()
    await harness.send("bot-p", [job(campaign, n) for n in range(1, 61)])
    results = await harness.collect(60)
    assert {found[-1].status for found in results.values()} == {"sent"}
    calls = await telegram.calls(method="sendMessage")
    assert {c["params"].get("allow_paid_broadcast") for c in calls} == {True}
    assert busiest_window([c["at"] for c in calls]) > 30  # the free limit would refuse these
    assert {c["status"] for c in calls} == {200}


async def test_jobs_of_a_cancelled_campaign_are_not_sent(
    harness: Harness, sims: RunningSimulators, dispatcher: Starlette
) -> None:
    await harness.connect("bot-f", rate_per_second=5)
    campaign = uuid.uuid4()
    cancel = CampaignCancelRequestedV1(campaign_id=campaign, tenant_id="t1", requested_at=utc_now())
    await harness.publish(RoutingKey.CAMPAIGN_CANCEL, encode(cancel))

    async def known() -> bool:
        return campaign in dispatcher.state.dispatcher.cancelled

    await eventually(known, what="the cancel to be stored")
    await harness.send("bot-f", [job(campaign, n) for n in range(1, 4)])
    results = await harness.collect(3)
    assert {found[-1].status for found in results.values()} == {"cancelled"}
    assert await sims.control("telegram").calls(method="sendMessage") == []


async def test_the_composition_and_fallback_reason_travel_with_the_outcome(
    harness: Harness,
) -> None:
    """Also when a redelivered job's outcome is reported again from the store."""
    await harness.connect("bot-f", rate_per_second=200)
    fallback = job(uuid.uuid4(), 1).model_copy(
        update={"composition": "ai_fallback", "fallback_reason": "timeout"}
    )
    await harness.send("bot-f", [fallback])
    await harness.collect(1)
    await harness.send("bot-f", [fallback])

    async def reported_twice() -> bool:
        await harness.collect(1)
        return all(len(found) >= 2 for found in harness.results.values())

    await eventually(reported_twice, what="the repeated outcome")
    [found] = harness.results.values()
    assert [(r.status, r.composition, r.fallback_reason) for r in found] == [
        ("sent", "ai_fallback", "timeout"),
        ("sent", "ai_fallback", "timeout"),
    ]
