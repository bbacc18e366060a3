"""The pacer on a virtual clock: rates, windows, gaps, per-recipient spacing, pauses."""

from __future__ import annotations

import itertools
from dataclasses import replace

from dispatch_core.limits import DEFAULTS, Limits
from dispatch_core.pacing import IN_FLIGHT_MARGIN, SendPacer


class VirtualClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def pacer(**overrides: object) -> tuple[SendPacer, VirtualClock]:
    clock = VirtualClock()
    settings: dict[str, object] = {"per_recipient_interval_seconds": 0, **overrides}
    limits: Limits = replace(DEFAULTS["telegram_bot"], **settings)  # type: ignore[arg-type]
    return SendPacer(limits, clock=clock, sleep=clock.sleep), clock


async def send_times(
    p: SendPacer, clock: VirtualClock, count: int, latency: float = 0.0
) -> list[float]:
    times = []
    for n in range(count):
        booking = await p.wait_turn(f"chat-{n}")
        times.append(clock.now)
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


async def test_a_window_counts_from_the_answer_not_the_permission() -> None:
    # each request may reach the platform as late as its answer: 30 ms here
    p, clock = pacer(rate_per_second=30)
    times = await send_times(p, clock, 120, latency=0.030)
    arrivals = [t + 0.030 for t in times]
    assert max_in_window(arrivals) <= 30
    assert max_in_window(times) <= 30


async def test_an_unanswered_send_is_taken_to_arrive_late() -> None:
    p, _ = pacer(rate_per_second=2)
    await p.wait_turn("a")  # never answered (still in flight)
    await p.wait_turn("b")
    third = await p.wait_turn("c")
    assert third.allowed_at >= 1.0 + IN_FLIGHT_MARGIN


async def test_minimum_gap_between_messages() -> None:
    p, clock = pacer(rate_per_second=None, min_gap_seconds=15.0)
    times = await send_times(p, clock, 4)
    assert [round(b - a, 6) for a, b in itertools.pairwise(times)] == [15.0, 15.0, 15.0]


async def test_one_recipient_is_spaced_but_others_are_not() -> None:
    p, clock = pacer(rate_per_second=None, per_recipient_interval_seconds=1.0)
    await p.wait_turn("a")
    await p.wait_turn("b")
    assert clock.now == 0.0
    await p.wait_turn("a")
    assert clock.now == 1.0


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
