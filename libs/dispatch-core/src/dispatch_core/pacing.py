"""Pacing one connection's sends within its limits.

One process paces a connection at a time (its queue has a single active
consumer), so the pacer lives in memory and sees every send:

* rate: sends are spaced `1/rate` apart on a virtual schedule (GCRA), so small
  delays do not add up, and a hard guard keeps any 1-second window at or under
  `rate` sends however late some of them ran;
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

from .limits import Limits

WINDOW = 1.0
WINDOW_MARGIN = 0.025
"""Extra spacing of the window guard, so jitter on the way to the platform (a
request that left on time but arrived late) never puts `rate + 1` sends into
one of the platform's 1-second windows."""
RECIPIENTS_REMEMBERED = 10_000


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
        self._recent: deque[float] = deque()
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
            while self._recent and self._recent[0] <= now - WINDOW - WINDOW_MARGIN:
                self._recent.popleft()
            if len(self._recent) >= per_window:
                at = max(at, self._recent[-per_window] + WINDOW + WINDOW_MARGIN)
        last = self._last_to.get(recipient)
        if last is not None:
            at = max(at, last + limits.per_recipient_interval_seconds)
        return at

    async def wait_turn(self, recipient: str) -> None:
        """Wait until a message to `recipient` may leave, and book that moment."""
        async with self._lock:
            while True:
                now = self._clock()
                at = self._earliest(recipient, now)
                if at <= now:
                    break
                await self._sleep(at - now)
            self._book(recipient, now)

    def _book(self, recipient: str, now: float) -> None:
        rate = self.limits.rate_per_second
        if rate:
            self._theoretical = max(self._theoretical, now) + 1.0 / rate
            self._recent.append(now)
        self._last_send = now
        self._last_to[recipient] = now
        self._last_to.move_to_end(recipient)
        if len(self._last_to) > RECIPIENTS_REMEMBERED:
            self._last_to.popitem(last=False)
