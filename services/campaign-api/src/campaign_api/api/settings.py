"""The tenant's own settings: read by its members, changed by its admins."""

from __future__ import annotations

from fastapi import APIRouter

from ..domain.settings import SettingsPatch, TenantSettings
from ..usecases import settings
from .deps import Admin, Member, Services
from .problems import MEMBER_CALL

router = APIRouter(prefix="/v1/settings", tags=["settings"], responses=MEMBER_CALL)


@router.get("", response_model=TenantSettings)
async def get_settings(svc: Services, caller: Member) -> TenantSettings:
    """The tenant's settings (the defaults for what it never set)."""
    return await settings.show_settings(svc, caller)


@router.patch("", response_model=TenantSettings)
async def patch_settings(body: SettingsPatch, svc: Services, caller: Admin) -> TenantSettings:
    """Change the fields given (a tenant admin's key); the others keep their values.
    `quiet_hours: null` removes the quiet hours; an unknown `timezone` is a 422."""
    return await settings.change_settings(svc, caller, body)
