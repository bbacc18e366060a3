"""Tenants' own settings (`tenant_settings`), one validated document per tenant."""

from __future__ import annotations

from contracts.base import STORED

from ..domain.settings import TenantSettings
from . import Conn, Pool, sql

SELECT_TENANT_SETTINGS = sql("select_tenant_settings")
UPSERT_TENANT_SETTINGS = sql("upsert_tenant_settings")
LOCK_TENANT_SETTINGS = sql("lock_tenant_settings")


async def get_settings(db: Pool | Conn, tenant_id: str) -> TenantSettings:
    """The tenant's settings; the defaults when it never set any."""
    row = await db.fetchrow(SELECT_TENANT_SETTINGS, tenant_id)
    if row is None:
        return TenantSettings()
    return TenantSettings.model_validate_json(row["settings"], context=STORED)


async def put_settings(conn: Conn, tenant_id: str, settings: TenantSettings) -> None:
    await conn.execute(UPSERT_TENANT_SETTINGS, tenant_id, settings.model_dump_json())


async def lock_settings(conn: Conn, tenant_id: str) -> None:
    """Hold the tenant's settings for a change, until the transaction ends."""
    await conn.execute(LOCK_TENANT_SETTINGS, tenant_id)
