"""When a campaign pauses itself for its failures: the share of failed attempts
among its latest `window` (sent vs failed; skipped, cancelled, unknown and
deferred deliveries were not attempts that answered, so they do not count), once
at least `window` attempts are seen, so the first few failures of a campaign
never pause it."""

from __future__ import annotations

from collections.abc import Iterable

from contracts.campaigns import FailureRate
from contracts.scheduling import AutoPauseThreshold

from .model import Applied

SENT, FAILED = "s", "f"


def attempts_of(applied: Iterable[Applied]) -> str:
    """The attempts among these outcomes, in order: `s` sent, `f` failed."""
    marks = {"sent": SENT, "failed": FAILED}
    return "".join(marks[item.status] for item in applied if item.status in marks)


def failure_rate(recent: str, threshold: AutoPauseThreshold) -> FailureRate | None:
    """The figures that pause the campaign, or None while it may go on."""
    window = recent[-threshold.window :]
    if len(window) < threshold.window:
        return None
    failed = window.count(FAILED)
    if failed < threshold.failure_ratio * len(window):
        return None
    return FailureRate(failed=failed, attempts=len(window), threshold=threshold.failure_ratio)
