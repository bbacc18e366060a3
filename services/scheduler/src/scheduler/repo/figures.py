"""The figures the scheduler's gauges report, read in one statement."""

from __future__ import annotations

from ..domain.model import Figures
from . import Pool, sql

SELECT_GAUGES = sql("select_gauges")

STATES = ("scheduled", "snapshotting", "running", "paused")

DUE_COUNTED_UP_TO = 10_000
"""A campaign with deliveries both due and not yet due has the fewer of the two
counted in the index, up to this many (both more: this many due, a lower bound):
the gauges' query stays a few index probes a campaign, however large it is."""


async def read(
    pool: Pool, stall_after_seconds: float, counted_up_to: int = DUE_COUNTED_UP_TO
) -> Figures:
    """Campaigns by state, deliveries waiting and due, and the campaigns stalled for
    `stall_after_seconds` (see `sql/select_gauges.sql`)."""
    row = await pool.fetchrow(SELECT_GAUGES, stall_after_seconds, counted_up_to)
    assert row is not None
    return Figures(
        campaigns={state: row[state] for state in STATES},
        waiting=row["waiting"],
        due=row["due"],
        stalled=list(row["stalled"]),
    )
