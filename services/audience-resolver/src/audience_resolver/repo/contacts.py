"""The contact base: changes from upserts and imports, inbound activity, and the
statistics the planner chooses indexes by."""

from __future__ import annotations

import asyncpg
from contracts.audience import ContactRecord
from pydantic import TypeAdapter

from ..domain import ContactChanges, InboundActivity
from . import Pool, sql

UPSERT_CONTACTS = sql("upsert_contacts")
RECORD_INBOUND = sql("record_inbound")
SELECT_BASE_SIZE = sql("select_base_size")
VACUUM_CONTACTS = sql("vacuum_contacts")
CLEAN_PENDING_INDEX_ENTRIES = sql("clean_pending_index_entries")

CONTACT_RECORDS = TypeAdapter(list[ContactRecord])

REFUSED_VALUES: tuple[type[Exception], ...] = (
    asyncpg.DataError,  # a NUL character, a value out of range, ...
    asyncpg.ProgramLimitExceededError,  # a label too long for an index entry
)
"""What PostgreSQL answers to values it will never store: retrying cannot help."""


async def apply_changes(pool: Pool, tenant_id: str, changes: ContactChanges) -> None:
    """Every record of `changes` in one statement.  They travel as the JSON of the
    contracts model (serialized in one call, not row by row)."""
    if changes.records:
        await _upsert(pool, tenant_id, changes.records, changes)


async def apply_one_by_one(
    pool: Pool, tenant_id: str, changes: ContactChanges
) -> list[tuple[ContactRecord, str]]:
    """Each record in a statement of its own, for a batch PostgreSQL refused as a
    whole: every record it accepts is stored; returns the ones it refuses, and why."""
    refused: list[tuple[ContactRecord, str]] = []
    for record in changes.records:
        try:
            await _upsert(pool, tenant_id, [record], changes)
        except REFUSED_VALUES as error:
            refused.append((record, f"{type(error).__name__}: {error}"))
    return refused


async def _upsert(
    pool: Pool, tenant_id: str, records: list[ContactRecord], changes: ContactChanges
) -> None:
    document = CONTACT_RECORDS.dump_json(records).decode()
    await pool.execute(UPSERT_CONTACTS, tenant_id, document, changes.updated_at)


async def base_size(pool: Pool) -> float:
    """The planner's count of contacts (negative when it never counted them)."""
    size: float = await pool.fetchval(SELECT_BASE_SIZE)
    return size


async def refresh_statistics(pool: Pool) -> None:
    """After a bulk import: the GIN indexes' pending entries merged in, the
    planner's statistics, and the visibility map set for index-only scans (what
    autovacuum would do in a while, done now)."""
    await pool.execute(CLEAN_PENDING_INDEX_ENTRIES)
    await pool.execute(VACUUM_CONTACTS)


async def record_inbound(pool: Pool, tenant_id: str, activity: InboundActivity) -> None:
    await pool.execute(
        RECORD_INBOUND,
        tenant_id,
        activity.connection_id,
        activity.external_id,
        activity.channel,
        activity.received_at,
        activity.command,
    )
