"""Connections' pauses as their dispatchers announce them (`connection_states`)."""

from __future__ import annotations

from datetime import datetime

from contracts.tenants import ConnectionStateV1

from ..domain.model import ConnectionPause
from . import Conn, Pool, sql

UPSERT_CONNECTION_STATE = sql("upsert_connection_state")
SELECT_CONNECTION_PAUSES = sql("select_connection_pauses")


async def record_state(pool: Pool | Conn, event: ConnectionStateV1) -> None:
    """Keep the announced state, unless a later one is kept already."""
    await pool.execute(
        UPSERT_CONNECTION_STATE,
        event.tenant_id,
        event.connection_id,
        event.paused,
        event.paused_until if event.paused else None,
        event.code if event.paused else None,
        event.reason if event.paused else None,
        event.changed_at,
    )


async def pauses(pool: Pool | Conn, tenant_id: str, now: datetime) -> dict[str, ConnectionPause]:
    """The tenant's connections paused at `now`, by connection id."""
    rows = await pool.fetch(SELECT_CONNECTION_PAUSES, tenant_id, now)
    return {
        row["connection_id"]: ConnectionPause(
            until=row["paused_until"],
            code=row["code"],
            reason=row["reason"],
            since=row["changed_at"],
        )
        for row in rows
    }
