"""A scenario's row: what the platform received against what the API says."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

from sim import Received

ENDED = ("sent", "failed", "skipped", "unknown", "cancelled")
"""Counters of deliveries that have an outcome."""


@dataclass(frozen=True)
class Row:
    scenario: str
    recipients: int
    sent_at_platform: int
    duplicates: int
    lost: int
    unknown: int
    unknown_bound: int | None
    agree: bool
    recovery: float | None
    """Seconds from the component's return to the next message at the platform
    (None: nothing was left to send by then)."""
    seconds: float
    rate: float = 0.0
    """Messages a second at the platform, first to last (the fault's pause included)."""
    note: str = ""
    component_back: bool = True
    """False: the component hit did not answer /health again in time."""

    @property
    def passed(self) -> bool:
        """No loss, no duplicate, the component back (other targets missed are in `note`)."""
        return self.lost == 0 and self.duplicates == 0 and self.component_back


def lost(campaign: dict[str, Any], recipients: int) -> int:
    """Deliveries with no outcome: not sent, failed, skipped, cancelled or unknown."""
    progress = campaign["progress"]
    total = progress["total"] if progress["total"] is not None else recipients
    return int(total) - sum(int(progress[counter]) for counter in ENDED)


def agree(campaigns: list[dict[str, Any]], api_sent: set[str], got: Received) -> bool:
    """The API's sent deliveries all reached the platform, and what else reached it
    is among the unknown ones."""
    counted = sum(int(c["progress"]["sent"]) for c in campaigns)
    unknown = sum(int(c["progress"]["unknown"]) for c in campaigns)
    extra = got.recipients - api_sent
    return counted == len(api_sent) and api_sent <= got.recipients and len(extra) <= unknown


def rate(got: Received) -> float:
    if len(got.times) < 2:
        return 0.0
    return (len(got.times) - 1) / max(got.times[-1] - got.times[0], 1e-9)


def recovery(back: list[float], got: Received) -> float | None:
    """The longest wait, over the component's returns, for the next message."""
    waits = []
    for moment in back:
        index = bisect_left(got.times, moment)
        if index < len(got.times):
            waits.append(got.times[index] - moment)
    return max(waits) if waits else None


HEADER = (
    f"{'scenario':<28} {'recipients':>10} {'sent@sim':>9} {'dup':>4} {'lost':>5} "
    f"{'unknown':>9} {'agree':>5} {'next msg':>9} {'msg/s':>6} {'time':>6}  result"
)


def line(row: Row) -> str:
    bound = f"/{row.unknown_bound}" if row.unknown_bound is not None else ""
    wait = f"{row.recovery:.1f} s" if row.recovery is not None else "-"
    verdict = "PASS" if row.passed else "FAIL"
    return (
        f"{row.scenario:<28} {row.recipients:>10} {row.sent_at_platform:>9} "
        f"{row.duplicates:>4} {row.lost:>5} {str(row.unknown) + bound:>9} "
        f"{'yes' if row.agree else 'NO':>5} {wait:>9} {row.rate:>6.0f} "
        f"{row.seconds:>5.0f}s  {verdict}" + (f" ({row.note})" if row.note else "")
    )
