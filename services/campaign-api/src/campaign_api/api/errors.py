"""Every error answers `{"detail": "<what to fix>", ...}`: validation errors name
each field, refusals carry a machine-readable `code`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, get_args

from contracts.base import ConnectionChannel
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from service_kit.errors import field_errors, field_path

from ..domain.model import Refusal

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


def _validation_response(error: RequestValidationError | ValidationError) -> JSONResponse:
    if isinstance(error, ValidationError):
        items = [item.model_dump() for item in field_errors(error)]
    else:
        items = []
        for detail in error.errors():
            field = field_path(_body_location(detail))
            items.append({"field": field, "message": detail.get("msg", "invalid")})
    summary = "; ".join(f"{item['field']}: {item['message']}" for item in items[:10])
    return JSONResponse(
        status_code=422,
        content={"detail": summary or "invalid request", "code": "invalid", "errors": items},
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def on_request_invalid(_: Request, error: RequestValidationError) -> JSONResponse:
        return _validation_response(error)

    @app.exception_handler(ValidationError)
    async def on_invalid(_: Request, error: ValidationError) -> JSONResponse:
        return _validation_response(error)

    @app.exception_handler(Refusal)
    async def on_refusal(_: Request, refusal: Refusal) -> JSONResponse:
        return JSONResponse(
            status_code=refusal.status, content={"detail": refusal.reason, "code": refusal.code}
        )
