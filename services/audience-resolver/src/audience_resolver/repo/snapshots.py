"""Campaign snapshots: taken once, in one statement that freezes each recipient's
fields, and read back in batches."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Any
from uuid import UUID

from ..domain import (
    Listed,
    Missed,
    RecipientPage,
    Selection,
    Snapshot,
    Unreached,
    Unresolvable,
    Uploaded,
)
from . import Conn, Pool, sql
from .selections import check_uploaded, condition_arguments, unreached_of

INSERT_SNAPSHOT = sql("insert_snapshot")
SELECT_SNAPSHOT = sql("select_snapshot")
UPDATE_SNAPSHOT_SIZE = sql("update_snapshot_size")
INSERT_LISTED_RECIPIENTS = sql("insert_listed_recipients")
INSERT_MATCHING_RECIPIENTS = sql("insert_matching_recipients")
INSERT_UPLOADED_RECIPIENTS = sql("insert_uploaded_recipients")
SELECT_RECIPIENTS_PAGE = sql("select_recipients_page")


def _inserted(status: str) -> int:
    """`INSERT 0 900000` -> 900000."""
    return int(status.rsplit(" ", 1)[-1])


async def _insert_recipients(
    conn: Conn,
    campaign_id: UUID,
    tenant_id: str,
    connection_id: str,
    selection: Selection,
) -> int:
    if isinstance(selection, Listed):
        status = await conn.execute(
            INSERT_LISTED_RECIPIENTS, campaign_id, tenant_id, connection_id, selection.external_ids
        )
    elif isinstance(selection, Uploaded):
        await check_uploaded(conn, tenant_id, selection.list_id)
        status = await conn.execute(
            INSERT_UPLOADED_RECIPIENTS, campaign_id, tenant_id, connection_id, selection.list_id
        )
    else:
        status = await conn.execute(
            INSERT_MATCHING_RECIPIENTS,
            *condition_arguments(selection),
            tenant_id,
            connection_id,
            campaign_id,
        )
    return _inserted(status)


def _snapshot(row: Any) -> Snapshot:
    return Snapshot(
        campaign_id=row["campaign_id"],
        tenant_id=row["tenant_id"],
        audience_size=row["audience_size"],
        unreached=Unreached(
            unknown=Missed(row["unknown_count"], list(row["unknown_external_ids"])),
            opted_out=Missed(row["opted_out_count"], list(row["opted_out_external_ids"])),
        ),
        taken_at=row["taken_at"],
        error=row["error"],
    )


async def take(
    pool: Pool,
    *,
    campaign_id: UUID,
    tenant_id: str,
    connection_id: str,
    selection: Selection,
    now: datetime,
) -> tuple[Snapshot, bool]:
    """Campaign `campaign_id`'s snapshot, and whether it was taken now: a snapshot
    is taken once, and every later request gets the first one back.  An audience
    that cannot be resolved (an unknown list) is an empty snapshot saying why."""
    async with pool.acquire() as conn, conn.transaction():
        if await conn.fetchval(INSERT_SNAPSHOT, campaign_id, tenant_id, connection_id, now) is None:
            return _snapshot(await conn.fetchrow(SELECT_SNAPSHOT, campaign_id)), False
        error: str | None = None
        try:
            size = await _insert_recipients(conn, campaign_id, tenant_id, connection_id, selection)
            unreached = await unreached_of(conn, tenant_id, connection_id, selection)
        except Unresolvable as problem:
            size, unreached, error = 0, Unreached(), problem.reason
        await conn.execute(
            UPDATE_SNAPSHOT_SIZE,
            campaign_id,
            size,
            unreached.unknown.count,
            unreached.unknown.first,
            unreached.opted_out.count,
            unreached.opted_out.first,
            error,
        )
    return Snapshot(campaign_id, tenant_id, size, unreached, now, error), True


async def _page(pool: Pool, campaign_id: UUID, after: int, size: int) -> RecipientPage:
    """PostgreSQL renders the page as the JSON of `Recipient`s: no row objects, no
    per-row decoding or encoding in Python."""
    document: str = await pool.fetchval(SELECT_RECIPIENTS_PAGE, campaign_id, after, size)
    return RecipientPage(first_no=after + 1, json=document)


async def recipient_pages(
    pool: Pool, snapshot: Snapshot, batch_size: int
) -> AsyncGenerator[RecipientPage, None]:
    """The snapshot's recipients in order, `batch_size` at a time (ranges of the
    key, numbered 1 to audience_size without gaps, so memory holds two pages at
    most): the next page is read while the caller handles this one.  Close it
    with `contextlib.aclosing`."""
    starts = iter(range(0, snapshot.audience_size, batch_size))
    campaign_id = snapshot.campaign_id

    def read(after: int | None) -> asyncio.Future[RecipientPage] | None:
        return (
            None
            if after is None
            else asyncio.ensure_future(_page(pool, campaign_id, after, batch_size))
        )

    page = read(next(starts, None))
    try:
        while page is not None:
            current = await page
            page = read(next(starts, None))
            yield current
    finally:
        if page is not None:
            page.cancel()
