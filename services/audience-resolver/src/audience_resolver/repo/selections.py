"""What snapshots and estimates share: filter conditions as statement arguments,
uploaded lists an audience may name, and the listed people it does not reach."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ..domain import (
    MAX_REPORTED_UNKNOWN,
    Conditions,
    Listed,
    Missed,
    Selection,
    Unreached,
    Uploaded,
    unknown_list,
)
from . import Conn, Pool, sql

SELECT_UNREACHED_LISTED = sql("select_unreached_listed")
SELECT_UNREACHED_UPLOADED = sql("select_unreached_uploaded")
SELECT_LIST = sql("select_list")


def condition_arguments(
    conditions: Conditions,
) -> tuple[
    list[str] | None,
    list[str] | None,
    list[str] | None,
    list[str] | None,
    list[str] | None,
    datetime | None,
    list[str] | None,
    str | None,
]:
    """$1-$8 of the statements that include `fragments/matching_conditions.sql`."""
    return (
        conditions.channels,
        conditions.connection_ids,
        conditions.labels_any,
        conditions.labels_all,
        conditions.functions_all,
        conditions.inbound_since,
        conditions.locales,
        conditions.name_pattern,
    )


async def check_uploaded(conn: Pool | Conn, tenant_id: str, list_id: UUID) -> None:
    """Raises `Unresolvable` unless `list_id` is a complete list of `tenant_id`."""
    row = await conn.fetchrow(SELECT_LIST, list_id)
    if row is None or row["tenant_id"] != tenant_id or row["completed_at"] is None:
        raise unknown_list(list_id)


async def unreached_of(
    conn: Pool | Conn, tenant_id: str, connection_id: str | None, selection: Selection
) -> Unreached:
    """Listed people not reached on `connection_id` (on any, when None); only
    lists of people report them (selected dialogs of another connection are not
    unknown, just not this connection's)."""
    if isinstance(selection, Uploaded):
        row = await conn.fetchrow(
            SELECT_UNREACHED_UPLOADED,
            tenant_id,
            connection_id,
            selection.list_id,
            MAX_REPORTED_UNKNOWN,
        )
    elif isinstance(selection, Listed) and selection.reports_unknown:
        row = await conn.fetchrow(
            SELECT_UNREACHED_LISTED,
            tenant_id,
            connection_id,
            selection.external_ids,
            MAX_REPORTED_UNKNOWN,
        )
    else:
        return Unreached()
    assert row is not None  # an aggregate always answers
    return Unreached(
        unknown=Missed(row["unknown_count"], list(row["unknown"])),
        opted_out=Missed(row["opted_out_count"], list(row["opted_out"])),
    )
