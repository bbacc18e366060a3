"""How many deliveries a campaign may release now, and when its next one may go.

With an interval, consecutive messages leave `interval` seconds apart, start to
start, across all recipients: one per slot, slots `interval` apart.  A campaign
that fell more than one interval behind (the scheduler was down) restarts its
cadence from now instead of catching up in a burst.  Without an interval,
releases are bounded by a window of deliveries in flight per campaign, so
millions of messages wait in PostgreSQL, not in the broker, and a cancel stops
them quickly.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .model import CampaignRun

SLOT_TOLERANCE = timedelta(milliseconds=2)


def current_slot(run: CampaignRun) -> datetime:
    """The slot the next release belongs to (interval campaigns)."""
    slot = run.next_slot_at or run.start_at
    if run.now - slot > timedelta(seconds=run.interval_seconds):
        return run.now
    return slot


def release_budget(run: CampaignRun, *, window: int, batch: int) -> int:
    if run.interval_seconds > 0:
        return 1 if current_slot(run) <= run.now + SLOT_TOLERANCE else 0
    return max(0, min(batch, window - run.outstanding))


def next_slot_after_release(run: CampaignRun, released: int) -> datetime | None:
    if run.interval_seconds <= 0:
        return run.next_slot_at
    if released == 0:
        return run.next_slot_at
    return current_slot(run) + timedelta(seconds=run.interval_seconds)
