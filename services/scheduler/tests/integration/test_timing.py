"""Start times and intervals on the real broker and database, measured where the
dispatcher receives the jobs.

These check behaviour, not speed: the interval is never cut short and never
drifts far; the precision targets (p99 deviation < 50 ms on a quiet machine) are
bench/scheduler's to measure."""

from __future__ import annotations

import itertools
import time
import uuid
from datetime import timedelta

import pytest
from starlette.applications import Starlette
from test_support.waiting import eventually

from .conftest import SLOT_TOLERANCE, Harness

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def test_an_interval_spaces_200_messages_start_to_start(harness: Harness) -> None:
    interval = 0.05
    campaign = await harness.campaign(200, interval=interval)
    await harness.final_event(campaign, "completed", timeout=90)
    released = harness.released_of(campaign)
    assert sorted(r.job.recipient_no for r in released) == list(range(1, 201))
    # in the release times the jobs carry: where this process receives them adds
    # its own jitter on a busy machine
    times = sorted(r.job.released_at for r in released)
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
    # never short: a slot counts from when the previous job was confirmed by the
    # broker, so one that was slow to leave does not shorten the next gap
    assert min(gaps) >= interval - SLOT_TOLERANCE, sorted(gaps)[:5]
    # and never drifting: no catching up in bursts, no sleeping past a slot (a
    # missed wake-up would wait out the harness's 2 s idle); one gap may stretch
    # when the machine stalls (CI saw a 0.36 s hiccup once in 200), so the bound
    # on the longest is the idle's half, and the p99 holds the line on the rest
    assert percentile(gaps, 99) < interval + 0.1, sorted(gaps)[-5:]
    assert max(gaps) < 1.0, sorted(gaps)[-5:]
    # the jobs reach the dispatcher in that order
    assert [r.job.released_at for r in released] == times


async def test_a_late_release_does_not_shorten_the_next_gap(
    harness: Harness, scheduler: Starlette
) -> None:
    interval = 0.4
    campaign = await harness.campaign(4, interval=interval)
    await eventually(lambda: _released(harness, campaign, 1), what="the first release")
    pool = scheduler.state.runtime.pool
    # hold the campaign's row, as a busy replica would, until its next slot is
    # 0.3 s past: the second release comes late
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT 1 FROM campaigns WHERE id = $1 FOR UPDATE", campaign)

        async def slot_long_past() -> bool:
            return bool(
                await pool.fetchval(
                    "SELECT clock_timestamp() > next_slot_at + interval '0.3 s' "
                    "FROM campaigns WHERE id = $1",
                    campaign,
                )
            )

        await eventually(slot_long_past, what="the next slot to pass")
    await harness.final_event(campaign, "completed")
    released = [r.job.released_at for r in harness.released_of(campaign)]
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(released)]
    assert gaps[0] >= interval + 0.3, gaps  # the late one
    assert min(gaps[1:]) >= interval - SLOT_TOLERANCE, gaps  # the next whole, no catching up


async def _released(harness: Harness, campaign: uuid.UUID, count: int) -> bool:
    return len(harness.released_of(campaign)) >= count


async def test_a_future_start_time_holds_the_campaign_until_then_and_no_longer(
    harness: Harness,
) -> None:
    campaign = await harness.campaign(3, start_in=2.0)
    start_at = harness.start_at[campaign]
    await harness.final_event(campaign, "completed")
    first = min(r.job.released_at for r in harness.released_of(campaign))
    assert first >= start_at, "released before its start time"
    # the audience was snapshotted before the start time (the tests' lead is 0.5 s),
    # so the first release follows the start time at once
    assert first - start_at < timedelta(milliseconds=500), first - start_at


async def test_a_past_start_time_starts_at_once(harness: Harness) -> None:
    asked = time.monotonic()
    campaign = await harness.campaign(2, start_in=-3600)
    await harness.final_event(campaign, "completed")
    assert min(r.at for r in harness.released_of(campaign)) - asked < 5.0


async def test_an_interval_campaign_starts_on_time_too(harness: Harness) -> None:
    campaign = await harness.campaign(2, interval=5, start_in=1.5)
    start_at = harness.start_at[campaign]

    async def first_release() -> object:
        released = harness.released_of(campaign)
        return released[0].job.released_at if released else None

    first = await eventually(first_release, timeout=10, what="the first release")
    assert timedelta(0) <= first - start_at < timedelta(milliseconds=500)  # type: ignore[operator]
