"""A clock for tests of what happens over days: it runs at the real pace from a
fixed UTC moment, and the test moves it forward a whole day at a time."""

from __future__ import annotations

import time
from datetime import datetime, timedelta


class DayClock:
    """Call it for the time (a service's injected clock); `advance` jumps ahead."""

    def __init__(self, start: datetime) -> None:
        self._start = start
        self._started = time.monotonic()
        self._skipped = timedelta()

    def __call__(self) -> datetime:
        return self._start + self._skipped + timedelta(seconds=time.monotonic() - self._started)

    def advance(self, by: timedelta = timedelta(days=1)) -> None:
        self._skipped += by
