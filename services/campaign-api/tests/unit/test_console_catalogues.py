"""The console's catalogues: every text its templates and code show has a Russian
translation with the same placeholders, and the pages render in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from campaign_api.console import i18n
from test_support.catalogues import extracted, problems

CONSOLE = Path(i18n.__file__).resolve().parent


def test_every_text_is_in_every_catalogue_and_translated_into_russian() -> None:
    texts = extracted(CONSOLE, templates=True)
    assert len(texts) > 100
    for language in i18n.LANGUAGES:
        path = i18n.catalogue_path(language)
        assert problems(texts, path, language, translated=language != "en") == []


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
