"""Errors on the console's pages answer as pages (the API's answer problem details):
a refusal, an HTTP error, a malformed address; no session sends the person to sign in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from starlette.exceptions import HTTPException
from starlette.responses import Response

from ..domain.model import Refusal
from .deps import SignInNeeded
from .rendering import render

Handler = Callable[[Request, Exception], Response | Awaitable[Response]]
PREFIX = "/console"


def _on_console(request: Request) -> bool:
    return request.url.path == PREFIX or request.url.path.startswith(PREFIX + "/")


def _error_page(request: Request, status: int, reason: str) -> Response:
    return render(request, "error.html", None, {"status": status, "reason": reason}, status)


def _summary(error: RequestValidationError) -> str:
    """`status: Input should be ...`: what is wrong with the address, by parameter."""
    return "; ".join(
        f"{detail['loc'][-1]}: {detail['msg']}" for detail in error.errors()[:5] if detail["loc"]
    )


def install_console_errors(app: FastAPI) -> None:
    """Refusals and HTTP errors under /console render `error.html`; elsewhere they
    answer as the API's handlers (installed before this) do."""
    api_refusal: Handler = app.exception_handlers[Refusal]
    api_http: Handler = app.exception_handlers[HTTPException]
    api_invalid: Handler = app.exception_handlers[RequestValidationError]

    async def on_refusal(request: Request, error: Exception) -> Response:
        if _on_console(request) and isinstance(error, Refusal):
            return _error_page(request, error.status, error.reason)
        answer = api_refusal(request, error)
        return await answer if isinstance(answer, Awaitable) else answer

    async def on_http(request: Request, error: Exception) -> Response:
        if _on_console(request) and isinstance(error, HTTPException):
            return _error_page(request, error.status_code, str(error.detail))
        answer = api_http(request, error)
        return await answer if isinstance(answer, Awaitable) else answer

    async def on_invalid(request: Request, error: Exception) -> Response:
        if _on_console(request) and isinstance(error, RequestValidationError):
            return _error_page(request, 422, _summary(error))
        answer = api_invalid(request, error)
        return await answer if isinstance(answer, Awaitable) else answer

    async def on_sign_in_needed(_: Request, error: Exception) -> Response:
        assert isinstance(error, SignInNeeded)
        return RedirectResponse(error.location, status_code=303)

    app.add_exception_handler(Refusal, on_refusal)
    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_invalid)
    app.add_exception_handler(SignInNeeded, on_sign_in_needed)
