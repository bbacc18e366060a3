"""Validation errors as people read them: which field, what is wrong."""

from __future__ import annotations

from contracts.campaigns import FieldError
from pydantic import ValidationError


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "body"


# discriminated unions put the chosen tag after the field: ("content", "text", "text")
_UNION_FIELDS = {"audience", "content", "reply_to"}


def _without_tags(loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    kept: list[int | str] = []
    for index, part in enumerate(loc):
        if index > 0 and loc[index - 1] in _UNION_FIELDS and isinstance(part, str):
            continue
        kept.append(part)
    return tuple(kept)


def field_path(loc: tuple[int | str, ...] | list[int | str]) -> str:
    """`("audience", "filter", "labels_any", 0)` -> `audience.labels_any[0]`."""
    return _location(_without_tags(tuple(loc)))


def field_errors(error: ValidationError, *, limit: int = 20) -> list[FieldError]:
    """One FieldError per problem, named by the field's path in the request."""
    return [
        FieldError(field=field_path(detail["loc"]), message=detail["msg"])
        for detail in error.errors(include_url=False)[:limit]
    ]


def summarize(error: ValidationError) -> str:
    """`audience.kind: Input tag 'x' ...; content.text: String should have ...`."""
    return "; ".join(f"{item.field}: {item.message}" for item in field_errors(error))


class Unprocessable(Exception):
    """A message that is valid but can never be processed (e.g. a value the
    database cannot store): raised by a handler, it goes straight to the
    dead-letter queue with `reason`, without retries."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class StartupRefused(Exception):
    """A service cannot start as configured (a setting missing or malformed): the
    message names the setting and what to set, never its value."""
