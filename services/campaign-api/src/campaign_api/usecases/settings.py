"""The tenant's own settings: read by its members, changed by its admins."""

from __future__ import annotations

from ..domain.model import Principal
from ..domain.settings import SettingsPatch, TenantSettings, patched
from ..repo import settings as settings_repo
from .access import admin_tenant, member_tenant
from .services import AppServices


async def show_settings(svc: AppServices, caller: Principal) -> TenantSettings:
    """The tenant's settings (the defaults for what it never set)."""
    return await settings_repo.get_settings(svc.pool, member_tenant(caller))


async def change_settings(
    svc: AppServices, caller: Principal, patch: SettingsPatch
) -> TenantSettings:
    """Change the fields `patch` gives (a tenant admin); raises a Refusal naming
    `timezone` when it names no zone."""
    tenant_id = admin_tenant(caller)
    async with svc.pool.acquire() as conn, conn.transaction():
        await settings_repo.lock_settings(conn, tenant_id)
        current = await settings_repo.get_settings(conn, tenant_id)
        changed = patched(current, patch)
        await settings_repo.put_settings(conn, tenant_id, changed)
    return changed
