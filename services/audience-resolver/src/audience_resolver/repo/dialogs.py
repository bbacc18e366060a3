"""The dialog list: a tenant's dialogs a page at a time, opted-out ones flagged."""

from __future__ import annotations

from typing import Any

from contracts.audience import Dialog

from ..domain import Conditions, DialogPosition
from . import Pool, sql
from .selections import condition_arguments

SELECT_DIALOGS_PAGE = sql("select_dialogs_page")


def _dialog(row: Any) -> Dialog:
    return Dialog(
        contact_id=row["contact_id"],
        connection_id=row["connection_id"],
        channel=row["channel"],
        external_id=row["external_id"],
        name=row["name"],
        labels=row["labels"],
        functions_executed=row["functions_executed"],
        last_inbound_at=row["last_inbound_at"],
        locale=row["locale"],
        opted_out=row["opted_out"],
    )


async def page(
    pool: Pool,
    tenant_id: str,
    conditions: Conditions,
    pattern: str | None,
    after: DialogPosition | None,
    limit: int,
) -> tuple[list[Dialog], DialogPosition | None]:
    """Up to `limit` of the tenant's dialogs after `after` (newest first) that meet
    `conditions` and whose name or external id matches the ILIKE `pattern`, and
    the position the next page starts after (None when this page is the last)."""
    rows = await pool.fetch(
        SELECT_DIALOGS_PAGE,
        *condition_arguments(conditions),
        tenant_id,
        pattern,
        None if after is None else after.created_at,
        None if after is None else after.ref,
        limit + 1,
    )
    shown = rows[:limit]
    following = None
    if len(rows) > limit:
        following = DialogPosition(shown[-1]["created_at"], shown[-1]["id"])
    return [_dialog(row) for row in shown], following
