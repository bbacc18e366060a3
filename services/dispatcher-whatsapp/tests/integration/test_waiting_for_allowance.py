"""The daily cap and the warm-up are rates: a message over today's allowance is
reported `deferred` until the next allowance, never attempted, and sent when the
scheduler (played by the test) releases it again then.  The dispatcher runs on a
clock of the test's that moves a day at a time."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from contracts.dispatch import DeliveryResult, DispatchJob, OutboundTemplate
from dispatcher_whatsapp.settings import Settings
from platform_sim import SimControl
from test_support.clock import DayClock

from ..conftest import QUICK, Harness, harness_for, job, phone, running

pytestmark = pytest.mark.integration

TEMPLATE = OutboundTemplate(template_name="spring_sale", language="en_US")
START = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)


def midnight_after(moment: datetime) -> datetime:
    return datetime.combine(moment.date() + timedelta(days=1), datetime.min.time(), tzinfo=UTC)


async def a_day(
    harness: Harness, waiting: list[DispatchJob], rounds: dict[int, int]
) -> tuple[list[int], list[DeliveryResult]]:
    """Release `waiting` (as the scheduler does, in order); answers who was sent
    today and the deferrals of the rest."""
    await harness.send(waiting)
    seen = min(rounds.get(j.recipient_no, 0) for j in waiting)
    outcomes = await harness.outcomes_of(waiting, seen=seen)
    for j in waiting:
        rounds[j.recipient_no] = rounds.get(j.recipient_no, 0) + 1
    assert {o.status for o in outcomes} <= {"sent", "deferred"}, outcomes
    sent = [o.recipient_no for o in outcomes if o.status == "sent"]
    return sent, [o for o in outcomes if o.status == "deferred"]


async def test_a_thousand_people_go_200_a_day_over_five_days_through_a_restart(
    settings: Settings,
    rabbitmq_url: str,
    connection_id: str,
    clean_queues: None,
    whatsapp: SimControl,
) -> None:
    await whatsapp.configure(rate_per_second=None, per_recipient_per_second=None)
    clock = DayClock(START)
    campaign = uuid.uuid4()
    waiting = [job(campaign, n, TEMPLATE, wrote_hours_ago=None) for n in range(1, 1001)]
    by_day: list[list[int]] = []
    rounds: dict[int, int] = {}
    async with harness_for(rabbitmq_url, connection_id) as harness:
        for day in range(5):
            # the dispatcher is restarted in the middle of the campaign (day 3)
            async with running(settings, clock) as harness.dispatcher:
                await harness.connect(first_used_at=START - timedelta(days=365), **QUICK)
                sent, deferred = await a_day(harness, waiting, rounds)
                if day == 2:  # the same release again that day: nothing goes twice
                    again, still = await a_day(harness, waiting, rounds)
                    assert again == sent  # reported sent again, from the record
                    assert len(still) == len(deferred)
            by_day.append(sent)
            today = clock()
            for result in deferred:
                assert result.retry_at == midnight_after(today)
                assert result.error_code == "policy.daily_cap"
                assert "waits for the number's next allowance at" in (result.error_reason or "")
                assert result.attempts == 0
            waiting = [j for j in waiting if j.recipient_no not in set(sent)]
            clock.advance(timedelta(days=1))
    assert waiting == []
    assert by_day == [list(range(1 + 200 * d, 201 + 200 * d)) for d in range(5)]
    calls = await whatsapp.calls(account=harness.phone_number_id)
    assert [c["recipient"] for c in calls] == [phone(n) for n in range(1, 1001)]


async def test_a_number_in_warm_up_follows_its_ramp_day_by_day(
    settings: Settings,
    rabbitmq_url: str,
    connection_id: str,
    clean_queues: None,
    whatsapp: SimControl,
) -> None:
    await whatsapp.configure(rate_per_second=None, per_recipient_per_second=None)
    clock = DayClock(START)
    async with (
        harness_for(rabbitmq_url, connection_id) as harness,
        running(settings, clock) as harness.dispatcher,
    ):
        warm_from = clock() + timedelta(days=1)  # first used 9 days ago
        await harness.connect(
            first_used_at=warm_from - timedelta(days=10),
            warmup_days=10,
            warmup_start_per_day=3,
            warmup_daily_increase=2,
            **QUICK,
        )
        campaign = uuid.uuid4()
        waiting = [job(campaign, n, TEMPLATE, wrote_hours_ago=None) for n in range(1, 21)]
        rounds: dict[int, int] = {}
        sent, deferred = await a_day(harness, waiting, rounds)
        assert sent == []
        assert {d.retry_at for d in deferred} == {warm_from}
        assert {d.error_code for d in deferred} == {"policy.warmup"}
        by_day = []
        for _ in range(4):
            clock.advance(timedelta(days=1))
            sent, deferred = await a_day(harness, waiting, rounds)
            by_day.append(sent)
            waiting = [j for j in waiting if j.recipient_no not in set(sent)]
    # 3 on the first warm day, then 5, then 7, then the last 5 (of an allowance of 9)
    assert by_day == [[1, 2, 3], [4, 5, 6, 7, 8], list(range(9, 16)), list(range(16, 21))]
    assert deferred == []
    assert len(await whatsapp.calls(account=harness.phone_number_id)) == 20
