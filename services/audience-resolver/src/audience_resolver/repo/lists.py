"""Uploaded lists of platform user ids: stored part by part, complete once every
part is in."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from contracts.audience import AudienceListUploadedV1

from ..domain import ListState
from . import Pool, sql

CLAIM_LIST = sql("claim_list")
INSERT_LIST_MEMBERS = sql("insert_list_members")
INSERT_LIST_PART = sql("insert_list_part")
SELECT_LIST_PARTS = sql("select_list_parts")
COMPLETE_LIST = sql("complete_list")
SELECT_LIST = sql("select_list")


async def store_part(pool: Pool, part: AudienceListUploadedV1) -> str:
    """Store one part (again, harmlessly, when it is redelivered); returns the
    tenant the list belongs to, which the caller compares with the part's."""
    async with pool.acquire() as conn, conn.transaction():
        owner: str = await conn.fetchval(CLAIM_LIST, part.list_id, part.tenant_id)
        if owner == part.tenant_id:
            await conn.execute(
                INSERT_LIST_MEMBERS, part.list_id, part.external_ids, part.first_position
            )
            await conn.execute(INSERT_LIST_PART, part.list_id, part.part_no, len(part.external_ids))
    return owner


async def close(
    pool: Pool, list_id: UUID, tenant_id: str, part_count: int, now: datetime
) -> ListState | None:
    """The list's state once `part_count` parts are published: complete when all
    are stored.  None for a list of another tenant, or of none."""
    async with pool.acquire() as conn, conn.transaction():
        found = await conn.fetchrow(SELECT_LIST, list_id)
        if found is None or found["tenant_id"] != tenant_id:
            return None
        parts = await conn.fetchrow(SELECT_LIST_PARTS, list_id)
        assert parts is not None  # an aggregate always answers
        stored = parts["stored_parts"]
        if found["completed_at"] is not None:
            return ListState(stored, True, found["id_count"], found["duplicates"])
        if stored < part_count:
            return ListState(stored, False)
        completed = await conn.fetchrow(COMPLETE_LIST, list_id, now, parts["ids_listed"])
        if completed is None:  # completed meanwhile by a request answered first
            found = await conn.fetchrow(SELECT_LIST, list_id)
            assert found is not None
            completed = found
        return ListState(stored, True, completed["id_count"], completed["duplicates"])
