"""A campaign's progress as the list's bar shows it: delivered, failed (red),
skipped, cancelled and remaining, as counts and as shares of the whole."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.model import FINISHED, CampaignRecord

PARTS = ("delivered", "failed", "skipped", "cancelled", "remaining")


@dataclass(frozen=True)
class Progress:
    delivered: int
    failed: int
    """Failed, and those whose outcome is unknown."""
    skipped: int
    cancelled: int
    remaining: int

    @property
    def total(self) -> int:
        return self.delivered + self.failed + self.skipped + self.cancelled + self.remaining

    def share(self, part: str) -> float:
        """The part's share of the bar, in percent (0 for an empty campaign)."""
        return round(100.0 * getattr(self, part) / self.total, 2) if self.total else 0.0

    def as_json(self) -> dict[str, int | float]:
        counts: dict[str, int | float] = {part: getattr(self, part) for part in PARTS}
        return (
            counts | {f"{part}_share": self.share(part) for part in PARTS} | {"total": self.total}
        )


def progress_of(record: CampaignRecord) -> Progress:
    """Remaining counts what is still to send: the audience (or, before its snapshot,
    the estimate) less what is finished, and nothing once the campaign is over."""
    counts = record.counters
    planned = (
        record.audience_size if record.audience_size is not None else record.estimated_audience
    )
    steps = max(len(record.steps), 1)
    known = counts.finished + counts.pending + counts.waiting
    expected = max(known, (planned or 0) * steps)
    remaining = 0 if record.status in FINISHED else expected - counts.finished
    return Progress(
        delivered=counts.sent,
        failed=counts.failed + counts.unknown,
        skipped=counts.skipped,
        cancelled=counts.cancelled,
        remaining=max(remaining, 0),
    )
