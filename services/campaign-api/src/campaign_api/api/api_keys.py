"""Tenants' API keys: the platform key makes, lists and revokes them."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, HTTPException, Path

from ..auth import new_api_key
from ..domain.model import Refusal
from ..repo import accounts as accounts_repo
from ..repo import api_keys as api_keys_repo
from ..repo.api_keys import ApiKeyRecord
from .deps import Platform, Services
from .problems import MEMBER_CALL, problems
from .schemas import ApiKeyIn, ApiKeyInfo, ApiKeyOut
from .tenants import TenantPath

router = APIRouter(
    prefix="/v1/tenants/{tenant_id}/api-keys", tags=["tenants"], responses=MEMBER_CALL
)

KeyPath = Annotated[UUID, Path(description="The key's id (not the key)")]


async def _known_tenant(svc: Services, tenant_id: str) -> None:
    if await accounts_repo.get_tenant(svc.pool, tenant_id) is None:
        raise HTTPException(404, f"unknown tenant {tenant_id!r}: create it with PUT first")


def _info(record: ApiKeyRecord) -> ApiKeyInfo:
    return ApiKeyInfo(
        id=record.id,
        tenant_id=record.tenant_id,
        role=record.role,
        key_prefix=record.key_prefix,
        label=record.label,
        connection_id=record.connection_id,
        external_id=record.external_id,
        created_at=record.created_at,
        last_used_at=record.last_used_at,
        revoked_at=record.revoked_at,
    )


@router.post("", response_model=ApiKeyOut, status_code=201, responses=problems(404))
async def create_api_key(
    tenant_id: TenantPath, body: ApiKeyIn, svc: Services, _: Platform
) -> ApiKeyOut:
    """A new API key for the tenant, with role `admin` or `operator`; shown once."""
    await _known_tenant(svc, tenant_id)
    dialog = None
    if body.connection_id is not None and body.external_id is not None:
        dialog = (body.connection_id, body.external_id)
    elif body.connection_id is not None or body.external_id is not None:
        raise Refusal(
            "a key's own dialog needs both connection_id and external_id (or neither)",
            "incomplete_dialog",
        )
    key, key_hash, prefix = new_api_key()
    record = await api_keys_repo.insert_api_key(
        svc.pool,
        tenant_id=tenant_id,
        role=body.role,
        key_hash=key_hash,
        key_prefix=prefix,
        label=body.label,
        dialog=dialog,
    )
    return ApiKeyOut(**_info(record).model_dump(exclude={"last_used_at", "revoked_at"}), key=key)


@router.get("", response_model=list[ApiKeyInfo], responses=problems(404))
async def list_api_keys(tenant_id: TenantPath, svc: Services, _: Platform) -> list[ApiKeyInfo]:
    """The tenant's keys, revoked ones too, oldest first: role, label, prefix, when
    each was made, last used (to the minute) and revoked.  Never the keys themselves."""
    await _known_tenant(svc, tenant_id)
    return [_info(record) for record in await api_keys_repo.list_api_keys(svc.pool, tenant_id)]


@router.delete("/{key_id}", response_model=ApiKeyInfo, responses=problems(404))
async def revoke_api_key(
    tenant_id: TenantPath, key_id: KeyPath, svc: Services, _: Platform
) -> ApiKeyInfo:
    """Revoke one of the tenant's keys: refused from the next request on (401).
    Revoking it again changes nothing; the key stays listed, with `revoked_at`."""
    record = await api_keys_repo.revoke_api_key(svc.pool, tenant_id, key_id)
    if record is None:
        raise HTTPException(404, f"tenant {tenant_id!r} has no API key {str(key_id)!r}")
    return _info(record)
