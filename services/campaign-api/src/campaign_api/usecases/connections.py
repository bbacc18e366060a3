"""A tenant's connections (sender accounts), as any of its keys may see them."""

from __future__ import annotations

from ..domain.model import Principal
from ..repo import accounts as accounts_repo
from ..repo.accounts import ConnectionDetails
from .access import member_tenant
from .services import AppServices


async def list_connections(svc: AppServices, caller: Principal) -> list[ConnectionDetails]:
    """Every connection of the caller's tenant, with its limits (credentials sealed)."""
    return await accounts_repo.list_connections(svc.pool, member_tenant(caller))
