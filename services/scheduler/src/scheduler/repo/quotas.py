"""Monthly message limits: what a tenant may still release this calendar month (UTC)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from ..domain.model import Usage
from . import Conn, sql

LOCK_MONTHLY_USAGE = sql("lock_monthly_usage")
ADD_MONTHLY_USAGE = sql("add_monthly_usage")
SELECT_MONTHLY_LIMIT_KNOWN = sql("select_monthly_limit_known")


def month_of(moment: datetime) -> date:
    """The calendar month, in UTC, a moment falls in."""
    utc = moment.astimezone(UTC)
    return date(utc.year, utc.month, 1)


async def lock(conn: Conn, tenant_id: str, month: date, campaign_limit: int | None) -> Usage:
    """The tenant's usage for `month`, locked for the caller's transaction, and its
    limit: the tenant's, else the one the campaign was accepted under."""
    row = await conn.fetchrow(LOCK_MONTHLY_USAGE, tenant_id, month, campaign_limit)
    assert row is not None
    return Usage(tenant_id, month, row["released"], row["monthly_limit"])


async def take(conn: Conn, usage: Usage, count: int) -> None:
    if count:
        await conn.execute(ADD_MONTHLY_USAGE, usage.tenant_id, usage.month, count)


async def tenant_known(conn: Conn, tenant_id: str) -> bool:
    return bool(await conn.fetchval(SELECT_MONTHLY_LIMIT_KNOWN, tenant_id))
