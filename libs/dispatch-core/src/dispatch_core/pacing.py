"""Pacing one connection's sends within its limits.

One process paces a connection at a time (its queue has a single active
consumer), so the pacer lives in memory and sees every send:

* rate: sends are spaced `1/rate` apart on a virtual schedule (GCRA), so small
  delays do not add up;
* a hard guard keeps every 1-second window of the platform at or under `rate`
  sends: a request reaches the platform some time between the moment it was
  allowed and the moment its answer came back, so send `k + rate` is allowed
  only a second after the answer to send `k` (or, while that answer is still
  awaited, a second and a margin after it was allowed);
* `min_gap_seconds` between two sends of the account;
* `per_recipient_interval_seconds` between two sends to one person;
* a pause (429 `retry_after`, a restricted account) holds every send.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from .limits import Limits

WINDOW = 1.0
IN_FLIGHT_MARGIN = 0.05
"""How late, at most, a send whose answer is still awaited is taken to arrive."""
SAFETY = 0.002
RECIPIENTS_REMEMBERED = 10_000


@dataclass
class Booking:
    """One send: when it was allowed, and when its answer came back."""

    allowed_at: float
    answered_at: float | None = None

    @property
    def latest_arrival(self) -> float:
        if self.answered_at is not None:
            return self.answered_at
        return self.allowed_at + IN_FLIGHT_MARGIN


class SendPacer:
    def __init__(
        self,
        limits: Limits,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._lock = asyncio.Lock()
        self._recent: deque[Booking] = deque()
        self._last_to: OrderedDict[str, float] = OrderedDict()
        self._theoretical = 0.0
        self._last_send = -math.inf
        self._paused_until = 0.0
        self.limits = limits

    def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    @property
    def paused_for(self) -> float:
        return max(0.0, self._paused_until - self._clock())

    def _earliest(self, recipient: str, now: float) -> float:
        limits = self.limits
        at = max(now, self._paused_until, self._last_send + limits.min_gap_seconds)
        if limits.rate_per_second:
            at = max(at, self._theoretical)
            per_window = max(1, math.floor(limits.rate_per_second))
            while self._recent and self._recent[0].latest_arrival <= now - WINDOW - SAFETY:
                self._recent.popleft()
            if len(self._recent) >= per_window:
                at = max(at, self._recent[-per_window].latest_arrival + WINDOW + SAFETY)
        last = self._last_to.get(recipient)
        if last is not None:
            at = max(at, last + limits.per_recipient_interval_seconds)
        return at

    async def wait_turn(self, recipient: str) -> Booking:
        """Wait until a message to `recipient` may leave, and book that moment;
        tell `answered(booking)` when the platform's answer arrives."""
        async with self._lock:
            while True:
                now = self._clock()
                at = self._earliest(recipient, now)
                if at <= now:
                    break
                await self._sleep(at - now)
            return self._book(recipient, now)

    def answered(self, booking: Booking) -> None:
        booking.answered_at = self._clock()

    def _book(self, recipient: str, now: float) -> Booking:
        booking = Booking(allowed_at=now)
        rate = self.limits.rate_per_second
        if rate:
            self._theoretical = max(self._theoretical, now) + 1.0 / rate
            self._recent.append(booking)
        self._last_send = now
        self._last_to[recipient] = now
        self._last_to.move_to_end(recipient)
        if len(self._last_to) > RECIPIENTS_REMEMBERED:
            self._last_to.popitem(last=False)
        return booking
