"""The operator group page: the tenant's Telegram groups linked for the
operator-bot (where admins and operators type `/send`), each with its masked bot
token, language, allowed users and the topics bound to one customer each.  Admins
link a group or link it again (new keys for its bot) and unlink one after a
confirmation page; operators read.  A refusal shows beside the form, naming the
field to fix."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from service_kit.catalogues import N_
from starlette.responses import Response

from ...api.deps import Services
from ...api.errors import invalid_body
from ...api.operator_groups import (
    LOWEST_CHAT_ID,
    SUPERGROUP_HELP,
    OperatorGroupIn,
    supergroup_id,
)
from ...domain.model import Refusal
from ...usecases import operator_groups
from ...usecases.access import admin_tenant
from ...usecases.operator_groups import GroupLink
from ..deps import Posting, Signed
from ..rendering import render
from ..sessions import ConsoleSession

router = APIRouter(prefix="/operator-group")
ChatPath = Annotated[int, Path(ge=LOWEST_CHAT_ID, le=-1)]
TextField = Annotated[str, Form(max_length=200)]
UsersField = Annotated[str, Form(max_length=20_000)]
HOME = "/console/operator-group"
LANGUAGES = {"en": N_("English"), "ru": N_("Russian"), "de": N_("German")}


def link_of(chat_id: str, bot_token: str, language: str, allowed_user_ids: str) -> GroupLink:
    """The form's fields as a link, or a refusal naming the field to fix."""
    written = chat_id.strip()
    try:
        chat = supergroup_id(int(written))
    except ValueError as error:
        numeric = written.lstrip("-").isdigit()
        reason = str(error) if numeric else f"{written!r} is not {SUPERGROUP_HELP}"
        raise Refusal(f"chat_id: {reason}", "invalid") from None
    users = [part for part in re.split(r"[\s,;]+", allowed_user_ids) if part]
    if any(not part.isdigit() for part in users):
        raise Refusal(
            "allowed_user_ids: Telegram user ids are numbers, separated by commas or spaces",
            "invalid",
        )
    try:
        body = OperatorGroupIn.model_validate(
            {
                "bot_token": bot_token.strip(),
                "language": language,
                "allowed_user_ids": [int(part) for part in users],
            }
        )
    except ValidationError as error:
        raise Refusal(invalid_body(error), "invalid") from None
    return GroupLink(chat, body.bot_token, body.language, tuple(body.allowed_user_ids))


async def _page(
    request: Request,
    svc: Services,
    session: ConsoleSession,
    error: str | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    groups = await operator_groups.list_groups(svc, session.principal)
    context = {
        "groups": groups,
        "error": error,
        "form": form or {},
        "language_labels": LANGUAGES,
    }
    return render(request, "operator_group.html", session, context, status_code)


@router.get("")
async def operator_group_page(request: Request, svc: Services, session: Signed) -> Response:
    return await _page(request, svc, session)


@router.post("")
async def link_group(
    request: Request,
    svc: Services,
    session: Posting,
    chat_id: TextField = "",
    bot_token: TextField = "",
    language: TextField = "en",
    allowed_user_ids: UsersField = "",
) -> Response:
    """Link the group, or link it again (its bot gets a new pair of keys)."""
    try:
        link = link_of(chat_id, bot_token, language, allowed_user_ids)
        await operator_groups.link_group(svc, session.principal, link)
    except Refusal as refusal:
        if refusal.status in (401, 403, 404):
            raise
        form = {"chat_id": chat_id, "language": language, "allowed_user_ids": allowed_user_ids}
        return await _page(request, svc, session, refusal.reason, form, refusal.status)
    return RedirectResponse(HOME, 303)


@router.get("/{chat_id}/unlink")
async def confirm_unlink(
    request: Request, chat_id: ChatPath, svc: Services, session: Signed
) -> Response:
    admin_tenant(session.principal)
    shown = await operator_groups.show_group(svc, session.principal, chat_id)
    return render(request, "operator_group_unlink.html", session, {"shown": shown})


@router.post("/{chat_id}/unlink")
async def unlink_group(chat_id: ChatPath, svc: Services, session: Posting) -> Response:
    """Unlink the group: its bot's keys are revoked and it stops answering there."""
    await operator_groups.unlink_group(svc, session.principal, chat_id)
    return RedirectResponse(HOME, 303)
