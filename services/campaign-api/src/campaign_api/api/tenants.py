"""Tenants: the platform key manages them (their API keys: `api_keys`)."""

from __future__ import annotations

from typing import Annotated

from contracts.base import ID_PATTERN
from contracts.names import INTERNAL_EXCHANGE, RoutingKey
from contracts.tenants import DEFAULT_MONTHLY_LIMIT, TenantUpdatedV1
from fastapi import APIRouter, Depends, HTTPException, Path, Response
from service_kit.outbox import OutgoingMessage, add_to_outbox

from ..domain.model import Principal, Tenant
from ..repo import accounts as accounts_repo
from .deps import Platform, Services, principal
from .problems import MEMBER_CALL, problems
from .schemas import TenantIn, TenantOut

router = APIRouter(prefix="/v1/tenants", tags=["tenants"], responses=MEMBER_CALL)

TenantPath = Annotated[str, Path(pattern=ID_PATTERN, description="The tenant's id")]


def _out(tenant: Tenant) -> TenantOut:
    return TenantOut(
        id=tenant.id,
        plan=tenant.plan,
        monthly_limit=tenant.monthly_limit,
        subscription_ends_at=tenant.subscription_ends_at,
    )


@router.put(
    "/{tenant_id}",
    response_model=TenantOut,
    responses={201: {"model": TenantOut, "description": "A new tenant"}},
)
async def put_tenant(
    tenant_id: TenantPath, body: TenantIn, svc: Services, _: Platform, response: Response
) -> TenantOut:
    """Create or change a tenant: plan, monthly limit, subscription end."""
    wanted = Tenant(
        id=tenant_id,
        plan=body.plan,
        monthly_limit=(
            body.monthly_limit
            if body.monthly_limit is not None
            else DEFAULT_MONTHLY_LIMIT[body.plan]
        ),
        subscription_ends_at=body.subscription_ends_at,
    )
    async with svc.pool.acquire() as conn, conn.transaction():
        tenant, updated_at, created = await accounts_repo.upsert_tenant(conn, wanted)
        event = TenantUpdatedV1(
            tenant_id=tenant.id,
            plan=tenant.plan,
            monthly_limit=tenant.monthly_limit,
            subscription_ends_at=tenant.subscription_ends_at,
            updated_at=updated_at,
        )
        await add_to_outbox(
            conn, [OutgoingMessage(INTERNAL_EXCHANGE, RoutingKey.TENANT_UPDATED, event)]
        )
    svc.runtime.outbox.notify()
    response.status_code = 201 if created else 200
    return _out(tenant)


@router.get("/{tenant_id}", response_model=TenantOut, responses=problems(404))
async def get_tenant(
    tenant_id: TenantPath, svc: Services, caller: Annotated[Principal, Depends(principal)]
) -> TenantOut:
    """A tenant, for the platform or the tenant's own keys."""
    tenant = await accounts_repo.get_tenant(svc.pool, tenant_id)
    if tenant is None or not (caller.is_platform or caller.tenant_id == tenant_id):
        raise HTTPException(404, f"unknown tenant {tenant_id!r}")
    return _out(tenant)
