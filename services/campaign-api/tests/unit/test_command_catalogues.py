"""The commands' catalogues: every text a `/send` command answers with is in the
English, Russian and German catalogues, translated with the same placeholders;
every refusal says what to type instead, in every language."""

from __future__ import annotations

from pathlib import Path

import pytest
from campaign_api.api import commands as commands_api
from campaign_api.commands import refusals, texts
from campaign_api.commands.grammar import AudienceChoice as Audience
from campaign_api.commands.grammar import (
    CancelSending,
    Command,
    CommandError,
    RenameTemplate,
    ResendSending,
    StartSending,
    TemplateCommand,
    parse,
)
from service_kit.catalogues import catalogue_path
from test_support.catalogues import extracted, problems

from .vocabulary import WORDS


def extracted_texts() -> set[tuple[str | None, str]]:
    return extracted(
        texts.LOCALES.parent, keywords={"Text": None}, files=(Path(commands_api.__file__),)
    )


def test_every_text_is_in_every_catalogue() -> None:
    found = extracted_texts()
    assert len(found) > 80
    for language in texts.LANGUAGES:
        path = catalogue_path(texts.LOCALES, texts.DOMAIN, language)
        assert problems(found, path, language, translated=language != "en") == []


COMMANDS: list[Command] = [
    StartSending(Audience("all"), template="promo"),
    TemplateCommand("promo", "5m"),
    RenameTemplate("promo", "spring"),
    CancelSending(7),
    ResendSending(7),
]


@pytest.mark.parametrize("language", texts.LANGUAGES)
@pytest.mark.parametrize("code", sorted(refusals.SAID))
def test_every_refusal_says_what_to_type_instead(code: str, language: str) -> None:
    found = texts.translations(language)
    for command in COMMANDS:
        said = refusals.said(code, command)
        assert said is not None
        assert "/send" in said.render(found), (code, command)


UNREADABLE = [
    "",
    "hello",
    "/send",
    "/send 9lives",
    "/send templates extra",
    "/send sendings a b",
    "/send sid5 now",
    "/send sid5 del more",
    "/send mark",
    "/send all promo promo",
    "/send all now 5m",
    "/send all 5m promo",
    "/send list",
    "/send list promo",
    "/send list 1,2 promo 3,4",
    "/send promo name",
    "/send promo name 9bad",
    "/send promo for x",
    "/send promo del x y",
    "/send promo soon",
    "/send all nowhere",
]


@pytest.mark.parametrize("command", UNREADABLE)
@pytest.mark.parametrize("language", texts.LANGUAGES)
def test_an_unreadable_command_says_what_to_type(command: str, language: str) -> None:
    with pytest.raises(CommandError) as raised:
        parse(command, WORDS)
    said = raised.value.render(texts.translations(language))
    assert "/send" in said or "`" in said or "templates" in said, said
    if language != "en":
        assert said != raised.value.render(), "translated"


@pytest.mark.parametrize(
    ("header", "language"),
    [("ru-RU,ru;q=0.9,en;q=0.8", "ru"), ("de-CH, fr", "de"), ("fr", "en"), (None, "en")],
)
def test_the_language_is_the_first_of_accept_language_known(
    header: str | None, language: str
) -> None:
    assert texts.language_of(header) == language


def test_a_text_reads_in_each_language() -> None:
    text = texts.Text("Template %(name)s: %(count)s step(s)", name="promo", count=2)
    assert str(text) == "Template promo: 2 step(s)"
    assert text.render(texts.translations("ru")) == "Шаблон promo: шагов: 2"
    assert text.render(texts.translations("de")) == "Vorlage promo: 2 Schritt(e)"
