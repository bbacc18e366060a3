"""Every error answers as problem details (`problems.py`): validation errors name
each field, refusals carry their own `code`, the router's 404 and 405 (with
`Allow` naming every method the path takes) and the dependencies' 401, 403 and
503 the code of their status."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, get_args

from contracts.base import ConnectionChannel
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from service_kit.errors import field_errors, field_path
from starlette.exceptions import HTTPException
from starlette.routing import Match

from ..domain.model import Refusal
from .problems import ProblemResponse, problem_response

_BODY_TAGS = frozenset(get_args(ConnectionChannel))
"""A body that is one of several shapes told apart by `channel` (a connection)
puts the tag first in an error's location: `credentials.token` is meant."""


def _body_location(detail: Mapping[str, Any]) -> list[int | str]:
    loc = list(detail.get("loc", ()))
    if loc and loc[0] == "body":
        loc = loc[1:]
    if loc and loc[0] in _BODY_TAGS:
        loc = loc[1:]
    if detail.get("type") in ("union_tag_invalid", "union_tag_not_found"):
        loc.append(str(detail.get("ctx", {}).get("discriminator", "")).strip("'"))
    return loc


def _validation_items(error: RequestValidationError | ValidationError) -> list[dict[str, Any]]:
    if isinstance(error, ValidationError):
        return [item.model_dump() for item in field_errors(error)]
    return [
        {"field": field_path(_body_location(detail)), "message": detail.get("msg", "invalid")}
        for detail in error.errors()
    ]


def _summary(items: list[dict[str, Any]]) -> str:
    return "; ".join(f"{item['field']}: {item['message']}" for item in items[:10])


def invalid_body(error: ValidationError) -> str:
    """What is wrong with a request body, as the API's 422 `detail` says it."""
    errors = [{**detail, "loc": ("body", *detail["loc"])} for detail in error.errors()]
    return _summary(_validation_items(RequestValidationError(errors))) or "invalid request"


def _validation_response(error: RequestValidationError | ValidationError) -> ProblemResponse:
    items = _validation_items(error)
    return problem_response(422, _summary(items) or "invalid request", "invalid", errors=items)


METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


def allowed_methods(request: Request) -> list[str]:
    """Every method the router would take at the request's path (Starlette's 405
    names only those of the first route whose path matches: one of several)."""
    routes = request.app.router.routes
    return [
        method
        for method in METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    ]


def _http_response(request: Request, error: HTTPException) -> ProblemResponse:
    headers = dict(error.headers or {})
    if error.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request))
    return problem_response(error.status_code, str(error.detail), headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def on_http(request: Request, error: HTTPException) -> ProblemResponse:
        return _http_response(request, error)

    @app.exception_handler(RequestValidationError)
    async def on_request_invalid(_: Request, error: RequestValidationError) -> ProblemResponse:
        return _validation_response(error)

    @app.exception_handler(ValidationError)
    async def on_invalid(_: Request, error: ValidationError) -> ProblemResponse:
        return _validation_response(error)

    @app.exception_handler(Refusal)
    async def on_refusal(_: Request, refusal: Refusal) -> ProblemResponse:
        return problem_response(refusal.status, refusal.reason, refusal.code)

    @app.exception_handler(Exception)
    async def on_failure(_: Request, __: Exception) -> ProblemResponse:
        return problem_response(500, "the service failed to answer; the failure is logged")
