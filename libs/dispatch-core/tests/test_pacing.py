"""The pacer on a virtual clock: rates, windows, gaps, per-recipient spacing,
pauses, sends that have not left yet, and a successor's resumption."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Collection
from dataclasses import replace

import pytest
from dispatch_core.limits import DEFAULTS, Limits
from dispatch_core.pacing import IN_FLIGHT_MARGIN, WINDOW, PacerState, SendPacer


class VirtualClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


WALL = 1_800_000_000.0
"""The virtual clock's 0 as a Unix time."""


def pacer(**overrides: object) -> tuple[SendPacer, VirtualClock]:
    clock = VirtualClock()
    settings: dict[str, object] = {"per_recipient_interval_seconds": 0, **overrides}
    limits: Limits = replace(DEFAULTS["telegram_bot"], **settings)  # type: ignore[arg-type]
    paced = SendPacer(limits, clock=clock, wall_clock=lambda: WALL + clock.now, sleep=clock.sleep)
    return paced, clock


async def send_times(
    p: SendPacer,
    clock: VirtualClock,
    count: int,
    latency: float = 0.0,
    stalls: Collection[int] = (),
    stall: float = 0.0,
) -> list[float]:
    """Send `count` messages one after another, each answered after `latency`;
    before each send numbered in `stalls` the process stalls for `stall`."""
    times = []
    for n in range(count):
        if n in stalls:
            clock.now += stall
        booking = await p.wait_turn(f"chat-{n}")
        times.append(clock.now)
        p.depart(booking)
        clock.now += latency
        p.answered(booking)
    return times


def max_in_window(times: list[float], window: float = 1.0) -> int:
    return max(sum(1 for t in times if start <= t < start + window) for start in times)


async def test_rate_is_never_exceeded_in_any_window() -> None:
    p, clock = pacer(rate_per_second=30)
    times = await send_times(p, clock, 300)
    assert max_in_window(times) <= 30


async def test_mean_rate_stays_close_to_the_limit() -> None:
    p, clock = pacer(rate_per_second=30)
    times = await send_times(p, clock, 301, latency=0.004)
    mean = 300 / (times[-1] - times[0])
    assert 28.5 <= mean <= 30


async def test_late_sends_do_not_catch_up_in_a_burst() -> None:
    p, clock = pacer(rate_per_second=10)
    await send_times(p, clock, 5)
    clock.now += 5.0  # the process was busy
    times = await send_times(p, clock, 3)
    assert times[1] - times[0] >= 0.1 - 1e-9
    assert times[2] - times[1] >= 0.1 - 1e-9


async def test_sends_a_little_late_do_not_drag_the_rate_down() -> None:
    # every wake-up comes 3 ms late, as on a busy machine
    p, clock = pacer(rate_per_second=30)

    async def late_sleep(seconds: float) -> None:
        clock.now += seconds + 0.003

    p._sleep = late_sleep
    times = await send_times(p, clock, 301)
    assert 300 / (times[-1] - times[0]) >= 29.5
    assert max_in_window(times) <= 30


@pytest.mark.parametrize("stall", [0.06, 0.2])
async def test_short_stalls_are_caught_up_while_the_window_guard_sets_the_pace(
    stall: float,
) -> None:
    # answers take 6 ms, so the window guard holds each send a little past its
    # slot and the schedule falls behind by that every second; a stall every
    # 2 s (a busy machine) must still be caught up, not lost
    async def rate_with_stalls(stalls: set[int]) -> tuple[float, int]:
        p, clock = pacer(rate_per_second=100)
        times = await send_times(p, clock, 3000, latency=0.006, stalls=stalls, stall=stall)
        return 2999 / (times[-1] - times[0]), max_in_window(times)

    steady, _ = await rate_with_stalls(set())
    stalled, busiest = await rate_with_stalls(set(range(150, 3000, 200)))
    assert stalled >= steady - 0.05
    assert busiest <= 100


async def test_a_send_booked_ahead_of_its_turn_leaves_at_its_turn() -> None:
    p, clock = pacer(rate_per_second=30)
    times, early = [], 0
    for n in range(120):
        booking = await p.wait_turn(f"chat-{n}", lead=0.010)
        assert booking.allowed_at - clock.now <= 0.010 + 1e-9
        early += booking.allowed_at > clock.now
        await p.ready(booking)
        assert clock.now >= booking.allowed_at
        times.append(clock.now)
        p.depart(booking)
        clock.now += 0.004
        p.answered(booking)
    assert early >= 100
    assert max_in_window(times) <= 30
    assert 119 / (times[-1] - times[0]) >= 28.5


async def test_a_window_counts_from_the_answer_not_the_permission() -> None:
    # each request may reach the platform as late as its answer: 30 ms here
    p, clock = pacer(rate_per_second=30)
    times = await send_times(p, clock, 120, latency=0.030)
    arrivals = [t + 0.030 for t in times]
    assert max_in_window(arrivals) <= 30
    assert max_in_window(times) <= 30


async def test_an_unanswered_send_is_taken_to_arrive_late() -> None:
    p, _ = pacer(rate_per_second=2)
    first = await p.wait_turn("a")
    p.depart(first)  # never answered (still in flight)
    p.depart(await p.wait_turn("b"))
    third = await p.wait_turn("c")
    assert third.allowed_at >= 1.0 + IN_FLIGHT_MARGIN


async def test_a_send_that_has_not_left_holds_the_window_until_it_leaves() -> None:
    # allowed at 0 but held up (its claim is being written): it may reach the
    # platform at any time, so the send a window after it waits for it to leave
    p, clock = pacer(rate_per_second=2)
    held = await p.wait_turn("a")
    p.depart(await p.wait_turn("b"))
    third = asyncio.create_task(p.wait_turn("c"))
    await asyncio.sleep(0.01)
    assert not third.done()
    clock.now = 3.0
    p.depart(held)
    booked = await asyncio.wait_for(third, 1)
    assert booked.allowed_at >= 3.0 + IN_FLIGHT_MARGIN + WINDOW


async def test_a_released_booking_holds_nothing_back() -> None:
    p, clock = pacer(rate_per_second=None, min_gap_seconds=15.0)
    sent = await p.wait_turn("a")
    p.depart(sent)
    clock.now = 20.0
    p.release(await p.wait_turn("b"))  # stopped before it left
    await p.wait_turn("c")
    assert clock.now == 20.0


async def test_minimum_gap_between_messages() -> None:
    p, clock = pacer(rate_per_second=None, min_gap_seconds=15.0)
    times = await send_times(p, clock, 4)
    assert [round(b - a, 6) for a, b in itertools.pairwise(times)] == [15.0, 15.0, 15.0]


async def test_the_gap_counts_from_when_a_message_may_have_arrived() -> None:
    p, clock = pacer(rate_per_second=None, min_gap_seconds=15.0)
    first = await p.wait_turn("a")
    clock.now = 0.4  # its policies were read and its claim written meanwhile
    p.depart(first)
    clock.now = 0.5
    p.answered(first)
    await p.wait_turn("b")
    assert clock.now == 15.5


async def test_one_recipient_is_spaced_but_others_are_not() -> None:
    p, clock = pacer(rate_per_second=None, per_recipient_interval_seconds=1.0)
    for person in ("a", "b"):
        booking = await p.wait_turn(person)
        p.depart(booking)
        p.answered(booking)
    assert clock.now == 0.0
    await p.wait_turn("a")
    assert clock.now == 1.0


async def test_one_recipient_is_spaced_from_when_the_last_message_may_have_arrived() -> None:
    p, clock = pacer(rate_per_second=None, per_recipient_interval_seconds=1.0)
    first = await p.wait_turn("a")
    p.depart(first)
    clock.now = 0.3  # its answer: it may have reached the platform as late as this
    p.answered(first)
    await p.wait_turn("a")
    assert clock.now == 1.3


async def test_pause_holds_every_send() -> None:
    p, clock = pacer(rate_per_second=30)
    p.pause(7.0)
    assert p.paused_for == 7.0
    await p.wait_turn("x")
    assert clock.now == 7.0


async def test_slow_rates_below_one_per_second() -> None:
    p, clock = pacer(rate_per_second=0.2)
    times = await send_times(p, clock, 3)
    assert times == [0.0, 5.0, 10.0]


async def test_a_successor_honours_the_last_send_and_the_wait() -> None:
    before, clock = pacer(rate_per_second=None, min_gap_seconds=15.0)
    clock.now = 100.0
    before.depart(await before.wait_turn("a"))
    before.pause(30.0)
    left = before.state()
    assert left == PacerState(last_send_at=WALL + 100.0, paused_until=WALL + 130.0)

    after, clock = pacer(rate_per_second=None, min_gap_seconds=15.0)
    clock.now = 105.0
    after.resume(left)
    await after.wait_turn("b")
    assert clock.now == 130.0

    rested, clock = pacer(rate_per_second=None, min_gap_seconds=15.0)
    clock.now = 101.0
    rested.resume(PacerState(last_send_at=WALL + 100.0, paused_until=None))
    await rested.wait_turn("b")
    assert clock.now == 115.0


async def test_a_successor_of_a_bot_keeps_out_of_its_last_window() -> None:
    p, clock = pacer(rate_per_second=30)
    clock.now = 50.0
    p.resume(PacerState(last_send_at=WALL + 49.9, paused_until=None))
    await p.wait_turn("x")
    assert clock.now >= 49.9 + WINDOW
