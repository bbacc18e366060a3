"""Message catalogues: a gettext `.po` file per language, read at run time.

The English texts are the message ids; a catalogue is compiled in memory from its
`.po` file once (no `.mo` files to build or check in)."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations


def N_(message: str) -> str:  # noqa: N802 - the name gettext's extractors look for
    """Mark a text for the catalogues (`make catalogues` extracts it); the code that
    shows it translates it then."""
    return message


def catalogue_path(locales: Path, domain: str, language: str) -> Path:
    """Where a language's catalogue is: `<locales>/<language>/LC_MESSAGES/<domain>.po`."""
    return locales / language / "LC_MESSAGES" / f"{domain}.po"


@cache
def load_catalogue(locales: Path, domain: str, language: str) -> Translations:
    """The language's catalogue of `domain`, compiled in memory once."""
    with catalogue_path(locales, domain, language).open("rb") as source:
        catalog = read_po(source, locale=language, domain=domain)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=domain)


def pick_language(
    chosen: str | None, accept_language: str | None, languages: tuple[str, ...], default: str
) -> str:
    """The language chosen (if the catalogues have it), else the first of an
    `Accept-Language` header's they have, else `default`."""
    if chosen in languages:
        return chosen
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in languages:
            return tag
    return default
