"""The figures the scheduler's gauges report, read in one statement."""

from __future__ import annotations

from ..domain.model import Figures
from . import Pool, sql

SELECT_GAUGES = sql("select_gauges")

STATES = ("scheduled", "snapshotting", "running", "paused")


async def read(pool: Pool, stall_after_seconds: float) -> Figures:
    """Campaigns by state, deliveries waiting and due, and the campaigns stalled for
    `stall_after_seconds` (see `sql/select_gauges.sql`)."""
    row = await pool.fetchrow(SELECT_GAUGES, stall_after_seconds)
    assert row is not None
    return Figures(
        campaigns={state: row[state] for state in STATES},
        waiting=row["waiting"],
        due=row["due"],
        stalled=list(row["stalled"]),
    )
