"""Pages in the person's language: one Jinja2 environment per language, each with
its catalogue installed, and the formats the pages share."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from babel.dates import format_datetime
from babel.numbers import format_decimal
from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import Response

from .i18n import COOKIE, LANGUAGE_NAMES, LANGUAGES, pick_language, translations
from .sessions import ConsoleSession

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _formats(language: str) -> dict[str, Any]:
    def when(moment: datetime | None) -> str:
        if moment is None:
            return "—"
        return (
            format_datetime(moment.astimezone(UTC), "yyyy-MM-dd HH:mm:ss", locale=language) + " UTC"
        )

    def number(value: float | int | None) -> str:
        return "—" if value is None else format_decimal(value, locale=language)

    return {"when": when, "number": number}


@cache
def templates_for(language: str) -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(("html",)),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(_formats(language))
    return Jinja2Templates(env=env)


def language_of(request: Request) -> str:
    return pick_language(request.cookies.get(COOKIE), request.headers.get("accept-language"))


def render(
    request: Request,
    name: str,
    session: ConsoleSession | None,
    context: Mapping[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    """The page `name` in the request's language, with who is signed in."""
    language = language_of(request)
    page = {
        "session": session,
        "language": language,
        "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        **(context or {}),
    }
    return templates_for(language).TemplateResponse(request, name, page, status_code=status_code)
