"""The tenant's own settings: read by its members, changed by its admins."""

from __future__ import annotations

from fastapi import APIRouter

from ..domain.settings import SettingsPatch, TenantSettings, patched
from ..repo import settings as settings_repo
from .deps import Admin, Member, Services, tenant_of
from .problems import MEMBER_CALL

router = APIRouter(prefix="/v1/settings", tags=["settings"], responses=MEMBER_CALL)


@router.get("", response_model=TenantSettings)
async def get_settings(svc: Services, caller: Member) -> TenantSettings:
    """The tenant's settings (the defaults for what it never set)."""
    return await settings_repo.get_settings(svc.pool, tenant_of(caller))


@router.patch("", response_model=TenantSettings)
async def patch_settings(body: SettingsPatch, svc: Services, caller: Admin) -> TenantSettings:
    """Change the fields given (a tenant admin's key); the others keep their values.
    `quiet_hours: null` removes the quiet hours; an unknown `timezone` is a 422."""
    tenant_id = tenant_of(caller)
    async with svc.pool.acquire() as conn, conn.transaction():
        await settings_repo.lock_settings(conn, tenant_id)
        current = await settings_repo.get_settings(conn, tenant_id)
        changed = patched(current, body)
        await settings_repo.put_settings(conn, tenant_id, changed)
    return changed
