"""Monthly message limits: what a tenant may still release this calendar month."""

from __future__ import annotations

from datetime import date, datetime

from . import Conn, sql

ENSURE_MONTHLY_USAGE = sql("ensure_monthly_usage")
LOCK_MONTHLY_USAGE = sql("lock_monthly_usage")
ADD_MONTHLY_USAGE = sql("add_monthly_usage")


def month_of(moment: datetime) -> date:
    return date(moment.year, moment.month, 1)


async def grant(conn: Conn, tenant_id: str, month: date, wanted: int) -> tuple[int, int | None]:
    """Take up to `wanted` messages of the tenant's limit for `month` (in the
    caller's transaction); returns how many were granted and the limit (None: the
    tenant's limit is not known here, nothing is held back)."""
    await conn.execute(ENSURE_MONTHLY_USAGE, tenant_id, month)
    row = await conn.fetchrow(LOCK_MONTHLY_USAGE, tenant_id, month)
    limit = row["monthly_limit"] if row else None
    released = row["released"] if row else 0
    granted = wanted if limit is None else max(0, min(wanted, limit - released))
    if granted:
        await conn.execute(ADD_MONTHLY_USAGE, tenant_id, month, granted)
    return granted, limit
