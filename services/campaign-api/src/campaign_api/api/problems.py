"""Error answers as RFC 9457 problem details (`application/problem+json`), and
the `responses=` that name them in the OpenAPI document.

Every error is `{"type": "urn:problem:<code>", "title", "status", "detail",
"code"}`: `code` names the kind of problem for machines (the API's error shape
before problem details, kept), `title` is the same for every answer of a type,
`detail` says what to fix.  A request that fails validation adds `errors`, one
`{"field", "message"}` per field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi.responses import JSONResponse

from .schemas import Problem

PROBLEM_MEDIA_TYPE = "application/problem+json"

_CODE_OF_STATUS = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    500: "internal_error",
    503: "unavailable",
}

WHEN = {
    400: "A body that cannot be read as JSON (not UTF-8)",
    401: "No API key, or one unknown or revoked",
    403: "The key may not make this call (its role, or the platform key)",
    404: "Nothing of that name or id (for this tenant)",
    409: "In conflict with what is stored: a name taken, a finished campaign, a reused request id",
    413: "The body is larger than this call's limit",
    415: "A body of a media type this call does not read",
    422: "A value is invalid or refused: `detail` and `errors` name the field and what to fix",
    503: "The service is starting, or a service it asks did not answer in time: try again",
}
"""What each error status means, as the OpenAPI document says it."""


def code_of_status(status: int) -> str:
    """The `code` of an error that names none of its own: the HTTP status's."""
    return _CODE_OF_STATUS.get(status, f"http_{status}")


def problem(status: int, detail: str, code: str, **extensions: Any) -> dict[str, Any]:
    """The body of an error answer."""
    title = code.replace("_", " ").capitalize()
    return {
        "type": f"urn:problem:{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        **extensions,
    }


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_MEDIA_TYPE


def problem_response(
    status: int,
    detail: str,
    code: str | None = None,
    *,
    headers: Mapping[str, str] | None = None,
    **extensions: Any,
) -> ProblemResponse:
    """An error answer: `code` defaults to the status's."""
    body = problem(status, detail, code or code_of_status(status), **extensions)
    return ProblemResponse(body, status_code=status, headers=headers)


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """A route's (or router's) `responses=`: each status answered with a `Problem`."""
    return {status: {"model": Problem, "description": WHEN[status]} for status in statuses}


MEMBER_CALL = problems(401, 403, 413, 422, 503)
"""What every call with a tenant's or the platform key can answer."""
