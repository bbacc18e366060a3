"""A dispatcher's gauges read from its tables: the jobs in the inboxes of the
connections this process sends for, and the connections paused, by reason."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from . import repo
from .metrics import PAUSE_REASONS, DispatchMetrics

SELECT_DISPATCH_GAUGES = repo.sql("select_dispatch_gauges")


@dataclass(frozen=True)
class DispatchFigures:
    inbox_jobs: int
    """Jobs stored in the inboxes of the connections the holder sends for."""
    paused: dict[str, int]
    """Connections paused now, by reason (see `metrics.PAUSE_REASONS`)."""


async def read_figures(pool: repo.Pool, holder: UUID) -> DispatchFigures:
    """One statement (see `sql/select_dispatch_gauges.sql`)."""
    row = await pool.fetchrow(SELECT_DISPATCH_GAUGES, holder)
    assert row is not None
    return DispatchFigures(
        inbox_jobs=row["inbox_jobs"], paused={reason: row[reason] for reason in PAUSE_REASONS}
    )


async def sample(pool: repo.Pool, holder: UUID, metrics: DispatchMetrics) -> None:
    """Read the figures once and set the gauges, every reason of the set included."""
    figures = await read_figures(pool, holder)
    metrics.inbox_jobs.labels(metrics.channel).set(figures.inbox_jobs)
    for reason, count in figures.paused.items():
        metrics.connections_paused.labels(metrics.channel, reason).set(count)
