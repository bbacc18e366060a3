"""Tenants and connections (API keys: `api_keys`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from contracts.base import ConnectionChannel
from service_kit.sealing import SealedColumn

from ..domain.model import Connection, Tenant
from . import Conn, Pool, sql

UPSERT_TENANT = sql("upsert_tenant")
SELECT_TENANT = sql("select_tenant")
UPSERT_CONNECTION = sql("upsert_connection")
SELECT_CONNECTION = sql("select_connection")
SELECT_CONNECTIONS = sql("select_connections")
CREDENTIALS = SealedColumn(
    select_clear=sql("select_legacy_credentials"),
    seal_clear=sql("update_legacy_credentials_sealed"),
    select_sealed=sql("select_sealed_credentials"),
    reseal=sql("update_sealed_credentials"),
)
"""Where the connections' credentials are kept sealed (`service_kit.sealing`)."""


@dataclass(frozen=True)
class ConnectionDetails:
    """A connection as stored: its credentials sealed (`SecretBox.open_credentials`
    reads them; None only until the service has sealed those kept in clear before)."""

    connection: Connection
    sealed_credentials: str | None
    limits: dict[str, Any]
    first_used_at: datetime | None
    created_at: datetime
    updated_at: datetime


def _tenant(row: Any) -> Tenant:
    return Tenant(
        id=row["id"],
        plan=row["plan"],
        monthly_limit=row["monthly_limit"],
        subscription_ends_at=row["subscription_ends_at"],
    )


def _connection(row: Any) -> ConnectionDetails:
    return ConnectionDetails(
        connection=Connection(
            tenant_id=row["tenant_id"],
            id=row["id"],
            channel=cast("ConnectionChannel", row["channel"]),
        ),
        sealed_credentials=row["sealed_credentials"],
        limits=row["limits"],
        first_used_at=row["first_used_at"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


async def upsert_tenant(conn: Conn, tenant: Tenant) -> tuple[Tenant, datetime, bool]:
    """Returns the tenant, when it changed, and whether it is new."""
    row = await conn.fetchrow(
        UPSERT_TENANT, tenant.id, tenant.plan, tenant.monthly_limit, tenant.subscription_ends_at
    )
    assert row is not None
    return _tenant(row), row["updated_at"], row["created"]


async def get_tenant(pool: Pool | Conn, tenant_id: str) -> Tenant | None:
    row = await pool.fetchrow(SELECT_TENANT, tenant_id)
    return _tenant(row) if row else None


async def upsert_connection(
    conn: Conn,
    *,
    tenant_id: str,
    connection_id: str,
    channel: str,
    sealed_credentials: str,
    limits: dict[str, Any],
    first_used_at: datetime | None,
) -> tuple[ConnectionDetails, bool] | None:
    """None when the connection exists with another channel."""
    row = await conn.fetchrow(
        UPSERT_CONNECTION,
        tenant_id,
        connection_id,
        channel,
        sealed_credentials,
        limits,
        first_used_at,
    )
    if row is None:
        return None
    return _connection(row), row["created"]


async def get_connection(
    pool: Pool | Conn, tenant_id: str, connection_id: str
) -> ConnectionDetails | None:
    row = await pool.fetchrow(SELECT_CONNECTION, tenant_id, connection_id)
    return _connection(row) if row else None


async def list_connections(pool: Pool | Conn, tenant_id: str) -> list[ConnectionDetails]:
    return [_connection(row) for row in await pool.fetch(SELECT_CONNECTIONS, tenant_id)]
