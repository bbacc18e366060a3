"""The one backoff of the system: how long to wait after failures in a row.

`retry_transient` and `keep_running` (in `retry`) wait by it, and so does every
loop that keeps its own shape (a campaign retried later, a send attempt, a
platform's rate limit): they ask `delay(n)` for the wait after the n-th failure.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    """`first` after the first failure in a row, `factor` times longer after each
    next one, never longer than `longest`.  `jitter` (0 to 1) takes a random share
    of up to that much off each wait, so that clients that failed together do not
    all come back at the same moment."""

    first: float
    longest: float
    factor: float = 2.0
    jitter: float = 0.0

    def __post_init__(self) -> None:
        if self.first < 0:
            raise ValueError(f"first must be 0 or more, not {self.first}")
        if self.longest < 0:
            raise ValueError(f"longest must be 0 or more, not {self.longest}")
        if self.factor < 1:
            raise ValueError(f"factor must be 1 or more, not {self.factor}")
        if not 0 <= self.jitter <= 1:
            raise ValueError(f"jitter must be between 0 and 1, not {self.jitter}")

    def delay(self, failures: int) -> float:
        """The wait, in seconds, after the `failures`-th failure in a row (1: the
        first)."""
        if failures < 1:
            raise ValueError(f"failures must be 1 or more, not {failures}")
        try:
            grown = self.first * self.factor ** (failures - 1)
        except OverflowError:  # a long outage: the factor's power passed a float's range
            grown = self.longest
        return min(grown, self.longest) * (1 - self.jitter * random.random())


TRANSIENT = Backoff(first=0.05, longest=5.0)
"""Between attempts at something that failed transiently (a database or broker
restarting): quick at first, at most every 5 s while it lasts."""
