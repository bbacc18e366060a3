"""The settings page: the tenant's quiet hours, default time zone and auto-pause
default.  Admins change them; operators read.  A refusal shows beside the form,
naming the field to fix."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.responses import Response

from ...api.deps import Services
from ...api.errors import invalid_body
from ...domain.model import Refusal
from ...domain.settings import SettingsPatch
from ...usecases import settings
from ..deps import Posting, Signed
from ..rendering import render
from ..sessions import ConsoleSession

router = APIRouter(prefix="/settings")
TextField = Annotated[str, Form(max_length=64)]
HOME = "/console/settings"


def patch_of(form: dict[str, str]) -> SettingsPatch:
    """The form's fields as a change of every setting, or a refusal naming the field."""
    quiet = None
    if form.get("quiet_enabled"):
        quiet = {"start": form.get("quiet_start", ""), "end": form.get("quiet_end", "")}
    try:
        return SettingsPatch.model_validate(
            {
                "quiet_hours": quiet,
                "timezone": form.get("timezone", "").strip() or "UTC",
                "auto_pause": {
                    "failure_ratio": float(form.get("failure_percent") or 20) / 100,
                    "window": int(form.get("window") or 200),
                },
            }
        )
    except ValueError as error:
        if isinstance(error, ValidationError):
            raise Refusal(invalid_body(error), "invalid") from None
        raise Refusal("auto_pause: give numbers", "invalid") from None


async def _page(
    request: Request,
    svc: Services,
    session: ConsoleSession,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    shown = await settings.show_settings(svc, session.principal)
    context: dict[str, Any] = {"settings": shown, "error": error}
    return render(request, "settings.html", session, context, status_code)


@router.get("")
async def settings_page(request: Request, svc: Services, session: Signed) -> Response:
    return await _page(request, svc, session)


@router.post("")
async def change_settings(
    request: Request,
    svc: Services,
    session: Posting,
    quiet_enabled: TextField = "",
    quiet_start: TextField = "21:00",
    quiet_end: TextField = "09:00",
    timezone: TextField = "UTC",
    failure_percent: TextField = "20",
    window: TextField = "200",
) -> Response:
    """Save every field of the form."""
    form = {
        "quiet_enabled": quiet_enabled,
        "quiet_start": quiet_start,
        "quiet_end": quiet_end,
        "timezone": timezone,
        "failure_percent": failure_percent,
        "window": window,
    }
    try:
        await settings.change_settings(svc, session.principal, patch_of(form))
    except Refusal as refusal:
        if refusal.status in (401, 403, 404):
            raise
        return await _page(request, svc, session, refusal.reason, refusal.status)
    return RedirectResponse(HOME, 303)
