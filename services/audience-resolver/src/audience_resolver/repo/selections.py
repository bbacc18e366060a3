"""What snapshots and estimates share: filter conditions as statement arguments,
and the listed people who have no dialog."""

from __future__ import annotations

from datetime import datetime

from ..domain import MAX_REPORTED_UNKNOWN, Conditions, Listed, Selection, Unknown
from . import Conn, Pool, sql

SELECT_UNKNOWN_LISTED = sql("select_unknown_listed")


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
    """$1-$8 of `insert_matching_recipients.sql` and `count_matching.sql`."""
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


async def unknown_of(
    conn: Pool | Conn, tenant_id: str, connection_id: str | None, selection: Selection
) -> Unknown:
    """Listed people without a dialog on `connection_id` (on any, when None); only
    lists of people report them (selected dialogs of another connection are not
    unknown, just not this connection's)."""
    if not (isinstance(selection, Listed) and selection.reports_unknown):
        return Unknown()
    row = await conn.fetchrow(
        SELECT_UNKNOWN_LISTED,
        tenant_id,
        connection_id,
        selection.external_ids,
        MAX_REPORTED_UNKNOWN,
    )
    assert row is not None  # an aggregate always answers
    return Unknown(row["unknown_count"], list(row["first"]))
