"""FastAPI dependencies: the services of the running app, and who is calling."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..domain.model import Principal
from ..usecases.access import admin_tenant, check_platform, member_tenant
from ..usecases.services import AppServices


def services(request: Request) -> AppServices:
    found: AppServices | None = getattr(request.app.state, "services", None)
    if found is None:
        raise HTTPException(503, "the service is starting; try again in a moment")
    return found


Services = Annotated[AppServices, Depends(services)]

_bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer <key>`")


async def principal(
    svc: Services,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None:
        raise HTTPException(
            401,
            "missing API key: send `Authorization: Bearer <key>`",
            headers={"WWW-Authenticate": "Bearer"},
        )
    found = await svc.auth.principal(credentials.credentials)
    if found is None:
        raise HTTPException(
            401, "unknown or revoked API key", headers={"WWW-Authenticate": "Bearer"}
        )
    return found


async def platform(caller: Annotated[Principal, Depends(principal)]) -> Principal:
    check_platform(caller)
    return caller


async def tenant_member(caller: Annotated[Principal, Depends(principal)]) -> Principal:
    member_tenant(caller)
    return caller


async def tenant_admin(caller: Annotated[Principal, Depends(tenant_member)]) -> Principal:
    admin_tenant(caller)
    return caller


Platform = Annotated[Principal, Depends(platform)]
Member = Annotated[Principal, Depends(tenant_member)]
Admin = Annotated[Principal, Depends(tenant_admin)]


def tenant_of(caller: Principal) -> str:
    return member_tenant(caller)
