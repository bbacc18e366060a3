"""The contact base: changes from upserts and imports, and inbound activity."""

from __future__ import annotations

from contracts.audience import ContactRecord
from pydantic import TypeAdapter

from ..domain import ContactChanges, InboundActivity
from . import Pool, sql

UPSERT_CONTACTS = sql("upsert_contacts")
RECORD_INBOUND = sql("record_inbound")

CONTACT_RECORDS = TypeAdapter(list[ContactRecord])


async def apply_changes(pool: Pool, tenant_id: str, changes: ContactChanges) -> None:
    """Every record of `changes` in one statement.  They travel as the JSON of the
    contracts model (serialized in one call, not row by row)."""
    if changes.records:
        document = CONTACT_RECORDS.dump_json(changes.records).decode()
        await pool.execute(UPSERT_CONTACTS, tenant_id, document, changes.updated_at)


async def record_inbound(pool: Pool, tenant_id: str, activity: InboundActivity) -> None:
    await pool.execute(
        RECORD_INBOUND,
        tenant_id,
        activity.connection_id,
        activity.external_id,
        activity.channel,
        activity.received_at,
        activity.received_at if activity.opts_out else None,
    )
