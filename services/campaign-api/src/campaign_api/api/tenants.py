"""Tenants and their API keys: the platform key manages them."""

from __future__ import annotations

from typing import Annotated

from contracts.base import ID_PATTERN
from contracts.names import INTERNAL_EXCHANGE, RoutingKey
from contracts.tenants import DEFAULT_MONTHLY_LIMIT, TenantUpdatedV1
from fastapi import APIRouter, Depends, HTTPException, Path, Response
from service_kit.outbox import OutgoingMessage, add_to_outbox

from ..auth import new_api_key
from ..domain.model import Principal, Refusal, Tenant
from ..repo import accounts as accounts_repo
from .deps import Platform, Services, principal
from .schemas import ApiKeyIn, ApiKeyOut, TenantIn, TenantOut

router = APIRouter(prefix="/v1/tenants", tags=["tenants"])

TenantPath = Annotated[str, Path(pattern=ID_PATTERN, description="The tenant's id")]


def _out(tenant: Tenant) -> TenantOut:
    return TenantOut(
        id=tenant.id,
        plan=tenant.plan,
        monthly_limit=tenant.monthly_limit,
        subscription_ends_at=tenant.subscription_ends_at,
    )


@router.put("/{tenant_id}", response_model=TenantOut)
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


@router.get("/{tenant_id}", response_model=TenantOut)
async def get_tenant(
    tenant_id: TenantPath, svc: Services, caller: Annotated[Principal, Depends(principal)]
) -> TenantOut:
    """A tenant, for the platform or the tenant's own keys."""
    tenant = await accounts_repo.get_tenant(svc.pool, tenant_id)
    if tenant is None or not (caller.is_platform or caller.tenant_id == tenant_id):
        raise HTTPException(404, f"unknown tenant {tenant_id!r}")
    return _out(tenant)


@router.post("/{tenant_id}/api-keys", response_model=ApiKeyOut, status_code=201)
async def create_api_key(
    tenant_id: TenantPath, body: ApiKeyIn, svc: Services, _: Platform
) -> ApiKeyOut:
    """A new API key for the tenant, with role `admin` or `operator`; shown once."""
    if await accounts_repo.get_tenant(svc.pool, tenant_id) is None:
        raise HTTPException(404, f"unknown tenant {tenant_id!r}: create it with PUT first")
    dialog = None
    if body.connection_id is not None and body.external_id is not None:
        dialog = (body.connection_id, body.external_id)
    elif body.connection_id is not None or body.external_id is not None:
        raise Refusal(
            "a key's own dialog needs both connection_id and external_id (or neither)",
            "incomplete_dialog",
        )
    key, key_hash, prefix = new_api_key()
    record = await accounts_repo.insert_api_key(
        svc.pool,
        tenant_id=tenant_id,
        role=body.role,
        key_hash=key_hash,
        key_prefix=prefix,
        label=body.label,
        dialog=dialog,
    )
    return ApiKeyOut(
        id=record.id,
        tenant_id=record.tenant_id,
        role=record.role,
        key=key,
        key_prefix=record.key_prefix,
        label=record.label,
        connection_id=record.connection_id,
        external_id=record.external_id,
        created_at=record.created_at,
    )
