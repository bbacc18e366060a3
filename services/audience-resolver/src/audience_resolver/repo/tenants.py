"""The tenants that exist, as `tenant.updated.v1` announced them."""

from __future__ import annotations

from datetime import datetime

from . import Pool, sql

UPSERT_TENANT = sql("upsert_tenant")
SELECT_TENANT_EXISTS = sql("select_tenant_exists")


async def record_tenant(pool: Pool, tenant_id: str, updated_at: datetime) -> None:
    await pool.execute(UPSERT_TENANT, tenant_id, updated_at)


async def tenant_exists(pool: Pool, tenant_id: str) -> bool:
    exists: bool = await pool.fetchval(SELECT_TENANT_EXISTS, tenant_id)
    return exists
