"""The console's catalogues: every text its templates and code show has a Russian
translation with the same placeholders, and the pages render in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po
from campaign_api.console import i18n

CONSOLE = Path(i18n.__file__).resolve().parent
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def extracted() -> set[tuple[str | None, str]]:
    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    found = set()
    for _, _, message, _, context in extract_from_dir(
        str(CONSOLE), METHODS, OPTIONS, keywords=keywords
    ):
        found.add((context, message if isinstance(message, str) else message[0]))
    return found


def catalogue(language: str) -> dict[tuple[str | None, str], str]:
    with i18n.catalogue_path(language).open("rb") as source:
        parsed = read_po(source, locale=language)
    return {(m.context, str(m.id)): str(m.string) for m in parsed if m.id}


def test_every_text_is_in_every_catalogue() -> None:
    texts = extracted()
    assert len(texts) > 100
    for language in i18n.LANGUAGES:
        missing = texts - catalogue(language).keys()
        assert not missing, f"run scripts/update_catalogues.sh: {language} lacks {missing}"


def test_every_text_has_a_russian_translation_with_its_placeholders() -> None:
    for (context, text), translated in catalogue("ru").items():
        assert translated, f"untranslated in ru: {context or ''} {text!r}"
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(translated)), text


@pytest.mark.parametrize(
    ("accept", "chosen", "expected"),
    [
        ("ru-RU,ru;q=0.9,en;q=0.8", None, "ru"),
        ("de-DE,en;q=0.5", None, "en"),
        ("ru", "en", "en"),
        (None, None, "en"),
        ("fr", "xx", "en"),
    ],
)
def test_the_language_is_the_persons_choice_then_their_browsers(
    accept: str | None, chosen: str | None, expected: str
) -> None:
    assert i18n.pick_language(chosen, accept) == expected


def test_the_russian_catalogue_translates() -> None:
    assert i18n.translations("ru").gettext("Campaigns") == "Рассылки"
    assert i18n.translations("ru").pgettext("opens the wizard", "Create campaign") == (
        "Создать рассылку"
    )
