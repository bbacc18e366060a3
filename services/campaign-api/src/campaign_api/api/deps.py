"""FastAPI dependencies: the services of the running app, and who is calling."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from service_kit.runtime import ServiceRuntime
from service_kit.secrets import SecretBox

from ..auth import Authenticator
from ..domain.model import Principal
from ..repo import Pool
from ..resends import Resends
from ..settings import Settings
from ..submissions import Submissions


@dataclass(frozen=True)
class ApiServices:
    settings: Settings
    runtime: ServiceRuntime
    pool: Pool
    auth: Authenticator
    submissions: Submissions
    resends: Resends
    box: SecretBox
    """Seals and opens the connections' credentials (`SECRETS_KEYS`)."""


def services(request: Request) -> ApiServices:
    found: ApiServices | None = getattr(request.app.state, "services", None)
    if found is None:
        raise HTTPException(503, "the service is starting; try again in a moment")
    return found


Services = Annotated[ApiServices, Depends(services)]

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
    if not caller.is_platform:
        raise HTTPException(403, "this call needs the platform key (PLATFORM_API_KEY)")
    return caller


async def tenant_member(caller: Annotated[Principal, Depends(principal)]) -> Principal:
    if caller.tenant_id is None:
        raise HTTPException(
            403, "this call needs a tenant's API key; the platform key only manages tenants"
        )
    return caller


async def tenant_admin(caller: Annotated[Principal, Depends(tenant_member)]) -> Principal:
    if caller.role != "admin":
        raise HTTPException(403, "this call needs a tenant admin's API key, not an operator's")
    return caller


Platform = Annotated[Principal, Depends(platform)]
Member = Annotated[Principal, Depends(tenant_member)]
Admin = Annotated[Principal, Depends(tenant_admin)]


def tenant_of(caller: Principal) -> str:
    assert caller.tenant_id is not None
    return caller.tenant_id
