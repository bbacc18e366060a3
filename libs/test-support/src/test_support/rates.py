"""What a platform simulator's call record says about rates: the busiest window,
the mean rate, the closest two calls to one person."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any


def busiest_window(times: Iterable[float], window: float = 1.0) -> int:
    """The most calls in any half-open window [t, t + window)."""
    ordered = sorted(times)
    most = start = 0
    for end, at in enumerate(ordered):
        while ordered[start] <= at - window:
            start += 1
        most = max(most, end - start + 1)
    return most


def mean_rate(times: Iterable[float]) -> float:
    """Calls per second from the first to the last (n - 1 intervals)."""
    ordered = sorted(times)
    if len(ordered) < 2 or ordered[-1] == ordered[0]:
        return float("inf") if len(ordered) > 1 else 0.0
    return (len(ordered) - 1) / (ordered[-1] - ordered[0])


def closest_to_one_recipient(calls: Iterable[Mapping[str, Any]]) -> float:
    """The shortest time between two calls to the same recipient (inf: none twice)."""
    by_recipient: defaultdict[str, list[float]] = defaultdict(list)
    for call in calls:
        by_recipient[str(call["recipient"])].append(float(call["at"]))
    closest = float("inf")
    for times in by_recipient.values():
        times.sort()
        closest = min([closest, *(b - a for a, b in itertools.pairwise(times))])
    return closest
