"""Who may do what: the platform key manages tenants, a tenant's keys act within
their tenant, and only its admins change what the tenant has."""

from __future__ import annotations

from ..domain.model import Principal, Refusal


def forbidden(reason: str) -> Refusal:
    return Refusal(reason, "forbidden", status=403)


def check_platform(caller: Principal) -> None:
    if not caller.is_platform:
        raise forbidden("this call needs the platform key (PLATFORM_API_KEY)")


def member_tenant(caller: Principal) -> str:
    """The caller's tenant, or a refusal for the platform key."""
    if caller.tenant_id is None:
        raise forbidden("this call needs a tenant's API key; the platform key only manages tenants")
    return caller.tenant_id


def admin_tenant(caller: Principal) -> str:
    """The caller's tenant if they are its admin, or a refusal."""
    tenant_id = member_tenant(caller)
    if caller.role != "admin":
        raise forbidden("this call needs a tenant admin's API key, not an operator's")
    return tenant_id
