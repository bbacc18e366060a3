"""`POST /v1/connections/{id}/check`: ask the platform whether a connection's
credentials work.  When they do, the dispatchers hear of it
(`connection.checked.v1`) and lift a pause they made because the platform had
refused these same credentials."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from ..usecases import connections
from .connections import ConnectionPath
from .deps import Member, Services
from .problems import MEMBER_CALL, problems

router = APIRouter(prefix="/v1/connections", tags=["connections"], responses=MEMBER_CALL)


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
    answer = await connections.check_connection(svc, caller, connection_id)
    return CheckOut(ok=answer.ok, answer=answer.answer)
