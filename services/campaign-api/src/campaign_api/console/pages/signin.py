"""Signing in with an API key, signing out, and choosing the language."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from ...api.deps import Services
from ...domain.model import Refusal
from .. import i18n, sessions
from ..deps import CSRF_FIELD, Posting, same_origin
from ..rendering import render

router = APIRouter()
SIGN_IN_COOKIE = "console_sign_in"
"""A random value the sign-in form must send back (double submit): a page on another
site cannot sign a browser in with a key of its own choosing."""
HOME = "/console/campaigns"


def local_path(target: str | None) -> str:
    """`target` if it is a page of the console, else the campaigns page."""
    if target and target.startswith("/console/") and not target.startswith("//"):
        return target
    return HOME


def _form(request: Request, next_path: str, error: str | None, status: int = 200) -> Response:
    token = secrets.token_urlsafe(24)
    page = render(
        request,
        "sign_in.html",
        None,
        {"next": next_path, "sign_in_token": token, "error": error},
        status,
    )
    page.set_cookie(SIGN_IN_COOKIE, token, httponly=True, samesite="strict", path="/console")
    return page


@router.get("/sign-in")
async def sign_in_page(request: Request, next: str | None = None) -> Response:
    return _form(request, local_path(next), None)


@router.post("/sign-in")
async def sign_in(
    request: Request,
    svc: Services,
    api_key: Annotated[str, Form(max_length=200)],
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    next: Annotated[str, Form()] = HOME,
) -> Response:
    expected = request.cookies.get(SIGN_IN_COOKIE, "")
    if not expected or not hmac.compare_digest(expected, csrf_token) or not same_origin(request):
        raise HTTPException(403, "the sign-in form is out of date: reload the page")
    try:
        token = await sessions.sign_in(svc, api_key)
    except Refusal as refusal:
        return _form(request, local_path(next), refusal.code, refusal.status)
    answer = RedirectResponse(local_path(next), status_code=303)
    answer.set_cookie(
        sessions.COOKIE,
        token,
        max_age=int(svc.settings.console_session_hours * 3600),
        httponly=True,
        samesite="strict",
        secure=svc.settings.console_secure_cookies,
        path="/console",
    )
    answer.delete_cookie(SIGN_IN_COOKIE, path="/console")
    return answer


@router.post("/sign-out")
async def sign_out(request: Request, svc: Services, _: Posting) -> Response:
    await sessions.sign_out(svc, request.cookies.get(sessions.COOKIE))
    answer = RedirectResponse("/console/sign-in", status_code=303)
    answer.delete_cookie(sessions.COOKIE, path="/console")
    return answer


@router.get("/language/{language}")
async def choose_language(language: str, next: str | None = None) -> Response:
    """Remember the language in a cookie (a preference, not a change to anything)."""
    if language not in i18n.LANGUAGES:
        raise HTTPException(404, f"no catalogue for language {language!r}")
    answer = RedirectResponse(local_path(next) if next != "/console/sign-in" else next, 303)
    answer.set_cookie(i18n.COOKIE, language, max_age=365 * 86400, samesite="lax", path="/console")
    return answer
