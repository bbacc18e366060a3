"""The console's languages: one gettext catalogue each (`locales/<lang>/LC_MESSAGES/console.po`).

The English texts are the message ids; `make catalogues` extracts them from the
templates and the console's code and updates every catalogue."""

from __future__ import annotations

from pathlib import Path

from babel.support import Translations
from service_kit import catalogues

LOCALES = Path(__file__).resolve().parent / "locales"
DOMAIN = "console"
LANGUAGES = ("en", "ru")
LANGUAGE_NAMES = {"en": "English", "ru": "Русский"}
DEFAULT_LANGUAGE = "en"
COOKIE = "console_lang"


def catalogue_path(language: str) -> Path:
    return catalogues.catalogue_path(LOCALES, DOMAIN, language)


def translations(language: str) -> Translations:
    """The language's catalogue, compiled in memory from its `.po` file once."""
    return catalogues.load_catalogue(LOCALES, DOMAIN, language)


def pick_language(chosen: str | None, accept_language: str | None) -> str:
    """The language the person chose (cookie), else the first of their browser's
    languages the console has, else English."""
    return catalogues.pick_language(chosen, accept_language, LANGUAGES, DEFAULT_LANGUAGE)
