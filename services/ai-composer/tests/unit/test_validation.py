"""The checks a written text passes before it is used."""

from __future__ import annotations

import pytest
from ai_composer.domain.model import Draft
from ai_composer.domain.validation import (
    TEXT_LIMITS,
    clean,
    fingerprint,
    looks_like_refusal,
    problem,
)
from contracts.base import ConnectionChannel


def kind(text: str, channel: ConnectionChannel = "telegram_bot", truncated: bool = False) -> str:
    found = problem(Draft(text, truncated), channel)
    return "ok" if found is None else found.kind


def test_a_plain_personal_text_passes() -> None:
    assert kind("Hi Alice! Our wine tasting is on Friday at 7 pm. See you in Berlin!") == "ok"


@pytest.mark.parametrize(
    ("channel", "fits", "too_long"),
    [
        ("telegram_bot", 4096, 4097),
        ("telegram_user", 4096, 4097),
        ("instagram", 999, 1000),
        ("whatsapp", 3896, 3897),
    ],
)
def test_each_channel_has_its_length_limit(
    channel: ConnectionChannel, fits: int, too_long: int
) -> None:
    assert TEXT_LIMITS[channel] == fits
    assert kind("a" * fits, channel) == "ok"
    assert kind("a" * too_long, channel) == "too_long"


def test_the_reason_says_how_long_it_was() -> None:
    found = problem(Draft("a" * 1200), "instagram")
    assert found is not None
    assert "1200" in found.detail
    assert "999" in found.detail


def test_an_empty_or_cut_off_text_is_refused() -> None:
    assert kind("") == "empty"
    assert kind("Hi Alice, our tasting is on", truncated=True) == "truncated"


@pytest.mark.parametrize(
    "text",
    [
        "Hi {name}, see you Friday!",
        "Hi {{first_name}}!",
        "Hello {name|there}!",
        "Dear [Customer Name], see you Friday!",
        "Hi [Name]!",
        "Hello <name>, see you!",
        "<b>Sale</b> today",
    ],
)
def test_leftover_placeholders_are_refused(text: str) -> None:
    assert kind(text) == "placeholder"


@pytest.mark.parametrize("text", ["20% off today {}", "We <3 our customers", "Prices [1] apply"])
def test_braces_and_brackets_that_are_no_placeholders_pass(text: str) -> None:
    assert kind(text) == "ok"


def test_a_stop_line_is_refused_only_on_whatsapp() -> None:
    text = "Hi Alice! Sale today. Reply STOP to unsubscribe."
    assert kind(text, "whatsapp") == "stop_hint"
    assert kind(text, "telegram_bot") == "ok"
    assert kind("Don't stop by too late!", "whatsapp") == "ok"


@pytest.mark.parametrize(
    "text", ["Ответьте СТОП, чтобы отписаться.", "Répondez ARRÊT.", "Responde ALTO para salir."]
)
def test_a_stop_line_in_another_language_is_refused_on_whatsapp(text: str) -> None:
    assert kind(text, "whatsapp") == "stop_hint"


def test_the_words_in_lower_case_are_ordinary_words() -> None:
    assert kind("Un precio más alto, basta de esperar: parar aquí.", "whatsapp") == "ok"


def test_clean_drops_blanks_and_quotes_around_the_text() -> None:
    assert clean('  "Hi Alice!"\n') == "Hi Alice!"
    assert clean("“Hi Alice!”") == "Hi Alice!"
    assert clean('Hi "Alice"') == 'Hi "Alice"'
    assert clean("Line one\r\nline two") == "Line one\nline two"


def test_fingerprints_ignore_case_and_spacing() -> None:
    assert fingerprint("Hi  Alice!\nSee you") == fingerprint("hi alice! see you")
    assert fingerprint("Hi Alice!") != fingerprint("Hi Alice.")


def test_fingerprints_ignore_the_recipients_personal_details() -> None:
    """A name or city swapped into the same sentence is the same text."""
    alice = fingerprint(
        "Hi Alice! Alice's Berlin store opens at 9.", ["Alice Smith", "Alice", "Berlin"]
    )
    bob = fingerprint("Hi Bob! Bob's Rome store opens at 9.", ["Bob", "Rome", "7"])
    assert alice == bob
    assert fingerprint("Hi Alice! Our store opens at 9.", ["Alice"]) != bob
    assert fingerprint("Hi Alicent!", ["Alice"]) != fingerprint("Hi Bobby!", ["Bob"])
    assert fingerprint("Store 7 opens at 9.", ["7"]) != fingerprint("Store 8 opens at 9.", ["8"])


@pytest.mark.parametrize(
    "text",
    [
        "I'm sorry, but I can't help with that.",
        "I can\u2019t assist with that request.",
        "Sorry, I cannot do that.",
        "As an AI, I do not write marketing messages.",
    ],
)
def test_refusals_are_recognised(text: str) -> None:
    assert looks_like_refusal(text)


@pytest.mark.parametrize(
    "text",
    [
        "I can't wait to see you on Friday, Alice!",
        "I'm sorry we missed you! Our tasting is back on Friday.",
        "Hi Alice! Our sale starts today.",
        "I cannot help " + "smiling " * 60,
    ],
)
def test_ordinary_texts_are_not_refusals(text: str) -> None:
    assert not looks_like_refusal(text)
