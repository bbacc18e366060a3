"""What the database holds and what it did: its size and its biggest tables,
and the statements, rows and WAL between two readings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg

BIGGEST = """
SELECT n.nspname || '.' || c.relname AS name, pg_total_relation_size(c.oid) AS bytes
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
ORDER BY bytes DESC
LIMIT $1
"""

ACTIVITY = """
SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted, tup_returned,
       tup_fetched, pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0') AS wal
FROM pg_stat_database WHERE datname = current_database()
"""


@dataclass(frozen=True)
class Sizes:
    database: int
    tables: dict[str, int]


async def sizes(conn: asyncpg.Connection[Any], tables: int = 8) -> Sizes:
    """The database's size and its `tables` biggest tables (indexes and TOAST in)."""
    database = await conn.fetchval("SELECT pg_database_size(current_database())")
    rows = await conn.fetch(BIGGEST, tables)
    return Sizes(database, {r["name"]: r["bytes"] for r in rows})


async def activity(conn: asyncpg.Connection[Any]) -> dict[str, float]:
    """This database's transaction and row counters (pg_stat_database, read afresh)
    and the server's WAL position in bytes: the WAL is the whole server's, every
    database on it writes there."""
    await conn.execute("SELECT pg_stat_clear_snapshot()")
    row = await conn.fetchrow(ACTIVITY)
    assert row is not None
    return {key: float(value) for key, value in row.items()}


def per_thousand(before: dict[str, float], after: dict[str, float], messages: int) -> str:
    """The counters' growth per 1000 messages, as one line."""
    scale = 1000 / max(messages, 1)
    grown = {key: (after[key] - before[key]) * scale for key in before}
    return (
        f"{grown['xact_commit']:.0f} commits, {grown['tup_inserted']:.0f} rows inserted, "
        f"{grown['tup_updated']:.0f} updated, {grown['tup_deleted']:.0f} deleted, "
        f"{grown['tup_fetched']:.0f} fetched, {grown['wal'] / 1024:.0f} KiB of WAL"
    )


def size_lines(before: Sizes, after: Sizes, per: int, unit: str) -> list[str]:
    """What the database and its biggest tables grew by, per million `unit`."""
    million = per / 1_000_000
    lines = [
        f"database: {(after.database - before.database) / million / 2**20:,.0f} MB per million "
        f"{unit} ({before.database / 2**20:,.0f} -> {after.database / 2**20:,.0f} MB)"
    ]
    for name, bytes_after in after.tables.items():
        grown = bytes_after - before.tables.get(name, 0)
        if grown > 2**20:
            lines.append(f"  {name:40} {grown / million / 2**20:8,.0f} MB per million {unit}")
    return lines
