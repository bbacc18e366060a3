"""The console's languages: one gettext catalogue each (`locales/<lang>/LC_MESSAGES/console.po`).

The English texts are the message ids; `make catalogues` extracts them from the
templates and the console's code and updates every catalogue."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALES = Path(__file__).resolve().parent / "locales"
DOMAIN = "console"
LANGUAGES = ("en", "ru")
LANGUAGE_NAMES = {"en": "English", "ru": "Русский"}
DEFAULT_LANGUAGE = "en"
COOKIE = "console_lang"


def catalogue_path(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: str) -> Translations:
    """The language's catalogue, compiled in memory from its `.po` file once."""
    with catalogue_path(language).open("rb") as source:
        catalog = read_po(source, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def pick_language(chosen: str | None, accept_language: str | None) -> str:
    """The language the person chose (cookie), else the first of their browser's
    languages the console has, else English."""
    if chosen in LANGUAGES:
        return chosen
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LANGUAGES:
            return tag
    return DEFAULT_LANGUAGE


def N_(message: str) -> str:  # noqa: N802 - the name gettext's extractors look for
    """Mark a text for the catalogues; the page translates it when it shows it."""
    return message
