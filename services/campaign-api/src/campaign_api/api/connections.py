"""Sender accounts (connections): a Telegram bot or personal account, a WhatsApp
number, an Instagram account.  Credentials are stored and published sealed
(`SECRETS_KEYS`), opened only in memory, and never returned or logged in full."""

from __future__ import annotations

from typing import Annotated

from contracts.base import ID_PATTERN
from contracts.names import INTERNAL_EXCHANGE, RoutingKey
from contracts.tenants import ConnectionLimits, ConnectionUpdatedV1
from fastapi import APIRouter, HTTPException, Path, Response
from service_kit.logs import get_logger
from service_kit.outbox import OutgoingMessage, add_to_outbox
from service_kit.secrets import SecretBox

from ..domain.connections import mask_credentials
from ..domain.model import Refusal
from ..repo import accounts as accounts_repo
from ..repo.accounts import ConnectionDetails
from ..usecases.connections import open_credentials
from .credentials import ConnectionBody
from .deps import Admin, Member, Services, tenant_of
from .problems import MEMBER_CALL, problems
from .schemas import ConnectionOut

router = APIRouter(prefix="/v1/connections", tags=["connections"], responses=MEMBER_CALL)
log = get_logger(__name__)

ConnectionPath = Annotated[str, Path(pattern=ID_PATTERN, description="The instance id")]


def _out(details: ConnectionDetails, box: SecretBox) -> ConnectionOut:
    return ConnectionOut(
        id=details.connection.id,
        channel=details.connection.channel,
        credentials=mask_credentials(open_credentials(box, details) or {}),
        limits=details.limits,
        first_used_at=details.first_used_at,
        created_at=details.created_at,
        updated_at=details.updated_at,
    )


@router.put(
    "/{connection_id}",
    response_model=ConnectionOut,
    responses={201: {"model": ConnectionOut, "description": "A new connection"}, **problems(409)},
)
async def put_connection(
    connection_id: ConnectionPath,
    body: ConnectionBody,
    svc: Services,
    caller: Admin,
    response: Response,
) -> ConnectionOut:
    """Create or change a sender account: channel, credentials, per-connection limits.
    Credentials are checked for form here (a malformed token is refused with what to
    fix); `POST /v1/connections/{id}/check` asks the platform whether they work."""
    tenant_id = tenant_of(caller)
    credentials = body.credentials.model_dump(exclude_none=True)
    limits = body.limits.model_dump(exclude_none=True)
    async with svc.pool.acquire() as conn, conn.transaction():
        stored = await accounts_repo.upsert_connection(
            conn,
            tenant_id=tenant_id,
            connection_id=connection_id,
            channel=body.channel,
            sealed_credentials=svc.box.seal_credentials(credentials),
            limits=limits,
            first_used_at=body.first_used_at,  # absent: kept (now, if new)
        )
        if stored is None:
            existing = await accounts_repo.get_connection(conn, tenant_id, connection_id)
            channel = existing.connection.channel if existing else "?"
            raise Refusal(
                f"connection {connection_id!r} is a {channel} connection; its channel cannot "
                "change: use a new connection id",
                "channel_change",
                status=409,
            )
        details, created = stored
        event = ConnectionUpdatedV1(
            tenant_id=tenant_id,
            connection_id=connection_id,
            channel=details.connection.channel,
            sealed_credentials=details.sealed_credentials,
            limits=ConnectionLimits.model_validate(details.limits),
            first_used_at=details.first_used_at,
            updated_at=details.updated_at,
        )
        await add_to_outbox(
            conn, [OutgoingMessage(INTERNAL_EXCHANGE, RoutingKey.CONNECTION_UPDATED, event)]
        )
    svc.runtime.outbox.notify()
    response.status_code = 201 if created else 200
    return _out(details, svc.box)


@router.get("", response_model=list[ConnectionOut])
async def list_connections(svc: Services, caller: Member) -> list[ConnectionOut]:
    connections = await accounts_repo.list_connections(svc.pool, tenant_of(caller))
    return [_out(d, svc.box) for d in connections]


@router.get("/{connection_id}", response_model=ConnectionOut, responses=problems(404))
async def get_connection(
    connection_id: ConnectionPath, svc: Services, caller: Member
) -> ConnectionOut:
    details = await accounts_repo.get_connection(svc.pool, tenant_of(caller), connection_id)
    if details is None:
        raise HTTPException(404, f"unknown connection {connection_id!r}")
    return _out(details, svc.box)
