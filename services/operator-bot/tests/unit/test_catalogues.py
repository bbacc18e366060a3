"""The bot's catalogues: every text it says is in English, Russian and German."""

from __future__ import annotations

from pathlib import Path

import pytest
from operator_bot import texts
from service_kit.catalogues import catalogue_path
from test_support.catalogues import extracted, problems

PACKAGE = Path(texts.__file__).resolve().parent


@pytest.mark.parametrize("language", texts.LANGUAGES)
def test_every_text_is_in_the_catalogue(language: str) -> None:
    said = extracted(PACKAGE)
    assert len(said) >= 6
    path = catalogue_path(texts.LOCALES, texts.DOMAIN, language)
    assert problems(said, path, language, translated=language != "en") == []


def test_the_bot_speaks_the_groups_language() -> None:
    assert texts.say("de", texts.WHY) == "Warum nicht zugestellt:"
    assert texts.say("ru", texts.STARTED, sid=3, name="A", count=5) == (
        "Рассылка sid3 «A» началась: получателей 5."
    )
    assert texts.say("fr", texts.WHY) == "Why they were not delivered:"
