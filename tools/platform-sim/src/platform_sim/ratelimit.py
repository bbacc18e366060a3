"""Sliding-window counters: how many events a key had in the last `window` seconds."""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limit:
    """At most `count` events in any sliding window of `window` seconds."""

    count: int
    window: float

    @classmethod
    def per_second(cls, rate: float) -> Limit:
        """A rate as a limit: 30 -> 30 per 1 s; 1/6 -> 1 per 6 s (fractions above 1 round down)."""
        if rate >= 1:
            return cls(int(rate), 1.0)
        return cls(1, 1.0 / rate)


class SlidingLog:
    """Event times per key; the window ending at `now` is (now - window, now]."""

    def __init__(self) -> None:
        self._events: dict[Hashable, deque[float]] = {}

    def count(self, key: Hashable, now: float, window: float) -> int:
        events = self._events.get(key)
        if events is None:
            return 0
        horizon = now - window
        while events and events[0] <= horizon:
            events.popleft()
        if not events:
            del self._events[key]
            return 0
        return len(events)

    def add(self, key: Hashable, now: float, window: float) -> int:
        """Record an event at `now`; answer how many the key has in the window ending at `now`."""
        count = self.count(key, now, window)
        self._events.setdefault(key, deque()).append(now)
        return count + 1

    def allows(self, key: Hashable, now: float, limit: Limit) -> bool:
        return self.count(key, now, limit.window) < limit.count

    def clear(self) -> None:
        self._events.clear()
