"""Checks of a part's message catalogues: every text its code and templates show
is in every language's catalogue, translated, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir, extract_from_file
from babel.messages.pofile import read_po

PLACEHOLDER = re.compile(r"%\((\w+)\)[sr]")
Key = tuple[str | None, str]


def extracted(
    folder: Path,
    templates: bool = False,
    keywords: dict[str, Any] | None = None,
    files: tuple[Path, ...] = (),
) -> set[Key]:
    """(context, text) of every marked text under `folder` and in `files`: by default
    `_`, `gettext`, `pgettext`, `N_` in Python (`keywords` names others instead), and
    `_()` in its Jinja templates."""
    methods = [("**.py", "python")]
    options = {}
    if templates:
        methods.append(("templates/**.html", "jinja2"))
        options["templates/**.html"] = {"extensions": "jinja2.ext.i18n"}
    marks = keywords if keywords is not None else {**DEFAULT_KEYWORDS, "N_": None}
    found: set[Key] = set()
    for _, _, message, _, context in extract_from_dir(str(folder), methods, options, marks):
        found.add(_key(context, message))
    for path in files:
        for _, message, _, context in extract_from_file("python", str(path), keywords=marks):
            found.add(_key(context, message))
    return found


def _key(context: str | None, message: str | tuple[str, ...]) -> Key:
    return context, message if isinstance(message, str) else message[0]


def catalogue(path: Path, language: str) -> dict[Key, str]:
    with path.open("rb") as source:
        parsed = read_po(source, locale=language)
    return {(m.context, str(m.id)): str(m.string) for m in parsed if m.id}


def problems(texts: set[Key], path: Path, language: str, translated: bool) -> list[str]:
    """What is wrong with one language's catalogue: texts it lacks, and (when it
    must be `translated`) texts without a translation or with other placeholders."""
    found = catalogue(path, language)
    wrong = [
        f"missing (run make catalogues): {text!r}" for text in sorted(texts - found.keys(), key=str)
    ]
    if translated:
        for (_, text), translation in found.items():
            if not translation:
                wrong.append(f"untranslated: {text!r}")
            elif set(PLACEHOLDER.findall(text)) != set(PLACEHOLDER.findall(translation)):
                wrong.append(f"other placeholders: {text!r}")
    return wrong
