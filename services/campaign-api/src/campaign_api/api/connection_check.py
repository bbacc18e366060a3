"""`POST /v1/connections/{id}/check`: ask the platform whether a connection's
credentials work.  When they do, the dispatchers hear of it
(`connection.checked.v1`) and lift a pause they made because the platform had
refused these same credentials."""

from __future__ import annotations

from contracts.base import utc_now
from contracts.names import INTERNAL_EXCHANGE, RoutingKey
from contracts.tenants import ConnectionCheckedV1, credentials_digest
from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field
from service_kit.logs import get_logger
from service_kit.outbox import OutgoingMessage, add_to_outbox

from ..domain.model import Refusal
from ..platform_check import check_credentials, checkable
from ..repo import accounts as accounts_repo
from .connections import ConnectionPath, open_credentials
from .deps import Member, Services, tenant_of
from .problems import MEMBER_CALL, problems

router = APIRouter(prefix="/v1/connections", tags=["connections"], responses=MEMBER_CALL)
log = get_logger(__name__)


class CheckOut(BaseModel):
    ok: bool = Field(description="Whether the platform accepted the credentials")
    answer: str = Field(
        description="What the platform said, in words: the account it knows them as, or what to fix"
    )


@router.post("/{connection_id}/check", response_model=CheckOut, responses=problems(404))
async def check_connection(
    connection_id: ConnectionPath, svc: Services, caller: Member
) -> CheckOut:
    """Ask the platform whether the stored credentials work (Telegram `getMe`, the
    WhatsApp number's fields, the Instagram account's fields); nothing is sent to
    anyone.  A success also lifts a pause the connection got because the platform
    refused these credentials (its next deliveries go out)."""
    tenant_id = tenant_of(caller)
    details = await accounts_repo.get_connection(svc.pool, tenant_id, connection_id)
    if details is None:
        raise HTTPException(404, f"unknown connection {connection_id!r}")
    channel = details.connection.channel
    if not checkable(channel):
        raise Refusal(
            f"a {channel} connection cannot be checked here (it signs in over MTProto): "
            "it shows whether it works when it next sends",
            "not_checkable",
        )
    credentials = open_credentials(svc.box, details)
    if credentials is None:
        raise Refusal(
            "the stored credentials cannot be opened: none of the keys in SECRETS_KEYS "
            "sealed them (put the key that did back, after the newest), or save them again",
            "credentials_unreadable",
            status=409,
        )
    answer = await check_credentials(channel, credentials, svc.settings)
    log.info("connection checked", connection_id=connection_id, ok=answer.ok)
    if answer.ok:
        event = ConnectionCheckedV1(
            tenant_id=tenant_id,
            connection_id=connection_id,
            channel=channel,
            credentials_digest=credentials_digest(credentials),
            checked_at=utc_now(),
        )
        async with svc.pool.acquire() as conn:
            await add_to_outbox(
                conn, [OutgoingMessage(INTERNAL_EXCHANGE, RoutingKey.CONNECTION_CHECKED, event)]
            )
        svc.runtime.outbox.notify()
    return CheckOut(ok=answer.ok, answer=answer.answer)
