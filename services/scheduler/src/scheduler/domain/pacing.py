"""How many deliveries a campaign may release now, and when its next one may go.

With an interval, consecutive messages leave at least `interval` seconds apart,
start to start, across all recipients: one per slot, each slot `interval` after
the moment the previous message was actually released, so a late release never
shortens the next gap and a scheduler that was down does not catch up in a burst.
Without an interval, releases are bounded by a window of deliveries in flight per campaign, so
millions of messages wait in PostgreSQL, not in the broker, and a cancel stops
them quickly.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .model import CampaignRun

SLOT_TOLERANCE = timedelta(milliseconds=2)


def held(run: CampaignRun, now: datetime) -> bool:
    """The campaign waits for a rate's next allowance (see `CampaignRun.held_until`)."""
    return run.held_until is not None and run.held_until > now


def current_slot(run: CampaignRun) -> datetime:
    """When the next release may go (interval campaigns)."""
    return run.next_slot_at or run.start_at


def release_budget(run: CampaignRun, *, window: int, batch: int) -> int:
    if run.interval_seconds > 0:
        return 1 if current_slot(run) <= run.now + SLOT_TOLERANCE else 0
    return max(0, min(batch, window - run.outstanding))


def next_slot_after_release(run: CampaignRun, released_at: datetime | None) -> datetime | None:
    """`released_at`: when the release that just happened left (None: nothing left)."""
    if run.interval_seconds <= 0 or released_at is None:
        return run.next_slot_at
    return released_at + timedelta(seconds=run.interval_seconds)
