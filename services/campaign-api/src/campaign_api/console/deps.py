"""FastAPI dependencies of the console: who is signed in, and forms that carry
the session's CSRF token (and come from this origin)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import Depends, HTTPException, Request

from ..api.deps import Services
from .sessions import COOKIE, ConsoleSession, session_of

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class SignInNeeded(Exception):
    """No live session: the page sends the person to sign in, then back to `next`."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path

    @property
    def location(self) -> str:
        return "/console/sign-in?next=" + quote(self.next_path, safe="/")


async def console_session(request: Request, svc: Services) -> ConsoleSession:
    found = await session_of(svc, request.cookies.get(COOKIE))
    if found is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInNeeded(target if request.method == "GET" else "/console/campaigns")
    return found


Signed = Annotated[ConsoleSession, Depends(console_session)]


def same_origin(request: Request) -> bool:
    """Whether the request's Origin (or, without one, Referer) is this host, as
    browsers send it on every POST; a request with neither is not a browser's form."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source:
        return False
    return urlsplit(source).netloc == request.headers.get("host")


async def posted(request: Request, session: Signed) -> ConsoleSession:
    """The session, for a form or script call that carries its CSRF token."""
    presented = request.headers.get(CSRF_HEADER)
    if presented is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        presented = value if isinstance(value, str) else None
    if not same_origin(request) or not session.csrf_matches(presented):
        raise HTTPException(
            403, "the form is out of date or did not come from this console: reload the page"
        )
    return session


Posting = Annotated[ConsoleSession, Depends(posted)]
