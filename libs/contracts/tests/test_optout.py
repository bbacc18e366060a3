from __future__ import annotations

import pytest
from contracts.optout import (
    START_WORDS,
    STOP_HINT_MAX_LENGTH,
    STOP_HINTS,
    STOP_WORDS,
    language_of,
    names_stop_word,
    opt_command,
    stop_hint,
)
from contracts.tenants import ConnectionLimits
from pydantic import ValidationError


@pytest.mark.parametrize(
    "text",
    [
        "stop",
        "STOP",
        " Stop! ",
        "стоп",
        "СТОП.",
        "Стоп!!!",
        "stopp",
        "STOPP",
        "arrêt",
        "Arrêt",
        "ARRÊT !",
        "arret",
        "alto",
        "¡ALTO!",
        "parar",
        "Parar.",
        "basta",
        "BASTA!!",
        "\tstop\n",
        "/stop",
        "«Стоп»",
        "STOP 🛑",
    ],
)
def test_every_stop_word_opts_out(text: str) -> None:
    assert opt_command(text) == "stop"


@pytest.mark.parametrize(
    "text",
    [
        "start",
        "START",
        " Start! ",
        "unstop",
        "UNSTOP",
        "старт",
        "Старт.",
        "commencer",
        "Commencer !",
        "comenzar",
        "¡Comenzar!",
        "começar",
        "COMEÇAR",
        "comecar",
        "/start",
    ],
)
def test_every_start_word_opts_back_in(text: str) -> None:
    assert opt_command(text) == "start"


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "   ",
        "!!!",
        "please don't stop sending",
        "stop it",
        "stop stop",
        "stopped",
        "stops",
        "nonstop",
        "restart",
        "start now",
        "стоп-кран",
        "не стоп",
        "arrêter",
        "alto volume",
        "basta cosi",
        "stop1",
        "hello",
    ],
)
def test_other_messages_are_no_command(text: str | None) -> None:
    assert opt_command(text) is None


def test_the_word_lists_are_commands() -> None:
    assert all(opt_command(word) == "stop" for word in STOP_WORDS)
    assert all(opt_command(word) == "start" for word in START_WORDS)


@pytest.mark.parametrize("language", sorted(STOP_HINTS))
def test_each_hint_names_a_word_that_opts_out(language: str) -> None:
    hint = STOP_HINTS[language]
    assert names_stop_word(hint)
    assert len(hint) <= STOP_HINT_MAX_LENGTH


def test_required_languages_have_hints() -> None:
    assert {"en", "ru", "de", "es", "pt", "fr"} <= set(STOP_HINTS)


@pytest.mark.parametrize(
    ("locale", "language"),
    [("ru", "ru"), ("ru_RU", "ru"), ("pt-BR", "pt"), (" DE-at ", "de"), ("", None), (None, None)],
)
def test_language_of_a_locale(locale: str | None, language: str | None) -> None:
    assert language_of(locale) == language


@pytest.mark.parametrize(
    ("locale", "hint"),
    [
        ("ru_RU", "Чтобы отписаться, ответьте СТОП."),
        ("de", "Antworten Sie STOPP, um sich abzumelden."),
        ("es-MX", "Responde ALTO para darte de baja."),
        ("pt-BR", "Responda PARAR para cancelar a inscrição."),
        ("fr", "Répondez ARRÊT pour vous désabonner."),
        ("en-GB", "Reply STOP to unsubscribe."),
        ("ja", "Reply STOP to unsubscribe."),
        (None, "Reply STOP to unsubscribe."),
    ],
)
def test_the_hint_follows_the_recipients_language(locale: str | None, hint: str) -> None:
    assert stop_hint(locale) == hint


def test_a_tenants_wording_comes_first_and_english_covers_other_languages() -> None:
    wording = {"en": "Text STOP to opt out", "ru": "Напишите СТОП"}
    assert stop_hint("ru", wording) == "Напишите СТОП"
    assert stop_hint("ja", wording) == "Text STOP to opt out"
    assert stop_hint("de", wording) == STOP_HINTS["de"]


def test_a_connection_may_set_its_own_hints() -> None:
    limits = ConnectionLimits.model_validate({"stop_hint": {"en": "  Text STOP to opt out  "}})
    assert limits.stop_hint == {"en": "Text STOP to opt out"}


@pytest.mark.parametrize(
    ("stop_hint", "where"),
    [
        ({"en": ""}, ("stop_hint", "en")),
        ({"en": "   "}, ("stop_hint", "en")),
        ({"en": "STOP " + "x" * STOP_HINT_MAX_LENGTH}, ("stop_hint", "en")),
        ({"en": "Reply to unsubscribe"}, ("stop_hint", "en")),
        ({"EN": "Reply STOP"}, ("stop_hint", "EN", "[key]")),
        ({"english": "Reply STOP"}, ("stop_hint", "english", "[key]")),
    ],
)
def test_a_bad_hint_is_refused_naming_it(stop_hint: dict[str, str], where: tuple[str, ...]) -> None:
    with pytest.raises(ValidationError) as refused:
        ConnectionLimits.model_validate({"stop_hint": stop_hint})
    assert [error["loc"] for error in refused.value.errors()] == [where]


def test_a_shouted_word_is_one_in_capitals() -> None:
    assert names_stop_word("Reply stop to opt out")
    assert not names_stop_word("Reply stop to opt out", shouted=True)
    assert names_stop_word("Responde ALTO.", shouted=True)
    assert not names_stop_word("un precio más alto", shouted=True)
