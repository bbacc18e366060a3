"""Tenants' API keys: made, found by hash, listed, revoked, marked as used."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..domain.model import Principal, Role
from . import Conn, Pool, sql

INSERT_API_KEY = sql("insert_api_key")
SELECT_PRINCIPAL_BY_KEY_HASH = sql("select_principal_by_key_hash")
SELECT_API_KEYS = sql("select_api_keys")
REVOKE_API_KEY = sql("revoke_api_key")
UPDATE_API_KEY_USED = sql("update_api_key_used")


@dataclass(frozen=True)
class ApiKeyRecord:
    """A key as stored, without the key or its hash."""

    id: uuid.UUID
    tenant_id: str
    role: Role
    key_prefix: str
    label: str | None
    connection_id: str | None
    external_id: str | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class KeyHolder:
    """Who a live key speaks for, and when it was last marked as used."""

    principal: Principal
    last_used_at: datetime | None


def _record(row: Any) -> ApiKeyRecord:
    return ApiKeyRecord(
        id=row["id"],
        tenant_id=row["tenant_id"],
        role=row["role"],
        key_prefix=row["key_prefix"],
        label=row["label"],
        connection_id=row["connection_id"],
        external_id=row["external_id"],
        created_at=row["created_at"],
        last_used_at=row["last_used_at"],
        revoked_at=row["revoked_at"],
    )


async def insert_api_key(
    pool: Pool | Conn,
    *,
    tenant_id: str,
    role: Role,
    key_hash: bytes,
    key_prefix: str,
    label: str | None,
    dialog: tuple[str, str] | None,
) -> ApiKeyRecord:
    """`dialog`: the (connection id, external id) of the person the key is for."""
    connection_id, external_id = dialog or (None, None)
    row = await pool.fetchrow(
        INSERT_API_KEY,
        uuid.uuid4(),
        tenant_id,
        role,
        key_hash,
        key_prefix,
        label,
        connection_id,
        external_id,
    )
    assert row is not None
    return _record(row)


async def holder_by_key_hash(pool: Pool, key_hash: bytes) -> KeyHolder | None:
    """The holder of the key with this hash; None when there is none or it is revoked."""
    row = await pool.fetchrow(SELECT_PRINCIPAL_BY_KEY_HASH, key_hash)
    if row is None:
        return None
    return KeyHolder(principal_of(row), row["last_used_at"])


def principal_of(row: Any) -> Principal:
    """Who a key's row (id, tenant_id, role, connection_id, external_id) speaks for."""
    return Principal(
        tenant_id=row["tenant_id"],
        role=row["role"],
        key_id=str(row["id"]),
        connection_id=row["connection_id"],
        external_id=row["external_id"],
    )


async def list_api_keys(pool: Pool, tenant_id: str) -> list[ApiKeyRecord]:
    """Every key of the tenant, revoked ones too, oldest first."""
    return [_record(row) for row in await pool.fetch(SELECT_API_KEYS, tenant_id)]


async def revoke_api_key(pool: Pool, tenant_id: str, key_id: uuid.UUID) -> ApiKeyRecord | None:
    """Revoke the tenant's key (again: keeps when it was first revoked); None if unknown."""
    row = await pool.fetchrow(REVOKE_API_KEY, tenant_id, key_id)
    return _record(row) if row else None


async def mark_used(pool: Pool, key_id: uuid.UUID, every_seconds: float) -> None:
    """Set the key's `last_used_at` to now, unless it was set within `every_seconds`."""
    await pool.execute(UPDATE_API_KEY_USED, key_id, every_seconds)
