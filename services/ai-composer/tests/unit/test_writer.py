# ruff: noqa: RUF001 - the Russian prompts are written in Cyrillic
"""The built-in writer: varied, personal texts from the prompt, with no model,
each in one language, never the prompt's instructions themselves."""

from __future__ import annotations

import collections
import itertools
import re
import string
import uuid
from dataclasses import replace

import pytest
from ai_composer.domain.languages import LANGUAGES, PhraseBank, detect
from ai_composer.domain.model import Brief, Draft
from ai_composer.domain.reading import Offer, fallback_body, read_offer
from ai_composer.domain.validation import fingerprint, problem
from ai_composer.domain.writer import write
from contracts.base import ConnectionChannel
from contracts.personal_fields import recipient_fields

from ..conftest import PROMPT, RecipientFactory

FALLBACK = "Hello there! Our wine tasting is on Friday at 7 pm."

PROMPTS = {
    "en": "Invite the customer to our wine tasting on Friday at 7 pm. Mention their city.",
    "de": "Lade die Kunden zu unserer Weinprobe am Freitag um 19 Uhr ein. Erwähne ihre Stadt.",
    "es": "Invita a los clientes a nuestra cata de vinos el viernes a las 19:00. Menciona su "
    "ciudad.",
    "fr": "Invitez les clients à notre dégustation de vin vendredi à 19h. Mentionnez leur ville.",
    "pt": "Convide os clientes para a nossa degustação de vinhos na sexta às 19h. Mencione a "
    "cidade.",
    "ru": "Пригласи клиентов на дегустацию вина в пятницу в 19:00. Упомяни их город.",
}
OFFERS = {
    "en": "our wine tasting on Friday at 7 pm",
    "de": "Du bist herzlich zu unserer Weinprobe am Freitag um 19 Uhr eingeladen",
    "es": "te invitamos a nuestra cata de vinos el viernes a las 19:00",
    "fr": "nous vous invitons à notre dégustation de vin vendredi à 19h",
    "pt": "queremos convidar você para a nossa degustação de vinhos na sexta às 19h",
    "ru": "приглашаем вас на дегустацию вина в пятницу в 19:00",
}


@pytest.mark.parametrize(
    ("prompt", "offer"),
    [
        (PROMPT, Offer("our wine tasting on Friday at 7 pm", (), "en")),
        (
            "Tell customers that our autumn sale starts today, 20% off all coats.",
            Offer("our autumn sale starts today, 20% off all coats", (), "en"),
        ),
        (
            "Our autumn sale starts today. 20% off all coats. Mention their city. Be brief.",
            Offer("our autumn sale starts today", ("20% off all coats",), "en"),
        ),
        (
            "Write a friendly message about the summer clearance at our Madrid store",
            Offer("the summer clearance at our Madrid store", (), "en"),
        ),
        (
            "Remind them that their subscription renews on Friday",
            Offer("your subscription renews on Friday", (), "en"),
        ),
        ("Announce Friday's jazz night!", Offer("Friday's jazz night", (), "en")),
        ("Black Friday", Offer("Black Friday", (), None)),
        *((PROMPTS[code], Offer(OFFERS[code], (), code)) for code in PROMPTS if code != "en"),
        (
            "Schreibe den Kunden, dass unser Herbstverkauf heute beginnt.",
            Offer("Wir möchten dir sagen, dass unser Herbstverkauf heute beginnt", (), "de"),
        ),
        (
            "Поздравь клиентов с Новым годом и пожелай им счастья.",
            Offer("поздравляем вас с Новым годом", ("желаем вам счастья",), "ru"),
        ),
        (
            "Напомни клиентам, что распродажа заканчивается в воскресенье. Скидки до 50%.",
            Offer(
                "напоминаем, что распродажа заканчивается в воскресенье", ("Скидки до 50%",), "ru"
            ),
        ),
        (
            "Rappelle aux clients que il reste deux jours.",
            Offer("nous vous rappelons que il reste deux jours", (), "fr"),
        ),
        (
            "Recuérdales que la oferta termina el domingo.",
            Offer("te recordamos que la oferta termina el domingo", (), "es"),
        ),
        (
            "Agradeça aos clientes pela fidelidade.",
            Offer("obrigado pela fidelidade", (), "pt"),
        ),
    ],
)
def test_the_offer_is_read_out_of_the_prompt(prompt: str, offer: Offer) -> None:
    assert read_offer(prompt) == offer


@pytest.mark.parametrize(
    "prompt",
    [
        "Mention their city.",
        "Mach etwas Schönes für die Kunden zum Herbst.",
        "Порекомендуй клиентам нашу новую коллекцию обуви.",
        "Scrivi un messaggio ai clienti sulla degustazione di venerdì sera.",
        "Напиши что-нибудь приятное.",
        "Привіт! Запроси клієнтів на дегустацію вина.",
        "Give everyone a reason to visit us this weekend.",
    ],
)
def test_a_prompt_whose_offer_cannot_be_told_from_its_instructions_is_not_read(
    prompt: str,
) -> None:
    assert read_offer(prompt) is None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (PROMPTS["en"], "en"),
        (PROMPTS["de"], "de"),
        (PROMPTS["es"], "es"),
        (PROMPTS["fr"], "fr"),
        (PROMPTS["pt"], "pt"),
        (PROMPTS["ru"], "ru"),
        ("Запроси клієнтів на дегустацію", "uk"),
        ("Black Friday -50%", None),
        ("", None),
    ],
)
def test_languages_are_told_apart(text: str, language: str | None) -> None:
    assert detect(text) == language


def brief(
    recipient: RecipientFactory,
    number: int = 1,
    *,
    campaign_id: uuid.UUID | None = None,
    channel: ConnectionChannel = "telegram_bot",
    prompt: str = PROMPT,
    fallback_text: str = FALLBACK,
    **fields: object,
) -> Brief:
    return Brief(
        campaign_id=campaign_id or uuid.uuid4(),
        recipient_no=number,
        step_no=1,
        prompt=prompt,
        channel=channel,
        recipient=recipient(number, **fields),
        fallback_text=fallback_text,
    )


def test_a_text_greets_by_first_name_and_uses_the_recipients_details(
    recipient: RecipientFactory,
) -> None:
    texts = [
        write(
            brief(
                recipient,
                number,
                name="Alice Smith",
                labels=["vip"],
                attributes={"city": "Berlin"},
            )
        )
        for number in range(1, 30)
    ]
    assert all("Alice" in text and "Smith" not in text for text in texts)
    assert all("our wine tasting on Friday at 7 pm" in text for text in texts)
    assert all("Berlin" in text or "VIP" in text for text in texts)
    assert any("Berlin" in text for text in texts)
    assert any("VIP" in text for text in texts)


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        ({"favorite": "red wine"}, "red wine"),
        ({"last_purchase": "a cheese board"}, "a cheese board"),
        ({"orders": 7}, "7 orders"),
        ({"orders": "1"}, "first order"),
    ],
)
def test_interests_purchases_and_orders_are_woven_in(
    recipient: RecipientFactory, attributes: dict[str, object], expected: str
) -> None:
    texts = [
        write(brief(recipient, number, labels=[], attributes=attributes)) for number in range(1, 20)
    ]
    assert any(expected in text for text in texts)


_FILLED = re.compile(r"\{[a-z]*\}")


def phrases_of(bank: PhraseBank) -> set[str]:
    """Every phrase, its placeholders taken out: pieces a text of this language holds."""
    pieces = set()
    for phrase in bank.all_phrases():
        pieces.update(piece.strip() for piece in _FILLED.split(phrase) if len(piece.strip()) > 12)
    return pieces


def languages_of(text: str) -> set[str]:
    return {
        code
        for code, language in LANGUAGES.items()
        if any(piece in text for piece in phrases_of(language.phrases))
    }


@pytest.mark.parametrize("code", sorted(PROMPTS))
def test_a_prompt_in_the_recipients_language_is_written_in_it(
    recipient: RecipientFactory, code: str
) -> None:
    locale = {"pt": "pt-BR", "de": "de-DE"}.get(code, code)
    for number in range(1, 15):
        text = write(brief(recipient, number, prompt=PROMPTS[code], locale=locale))
        assert OFFERS[code] in text
        assert languages_of(text) == {code}, text
        assert problem(Draft(text), "telegram_bot") is None


@pytest.mark.parametrize(
    ("prompt_language", "locale"), [("en", "de-DE"), ("de", "en"), ("ru", "pt")]
)
def test_a_prompt_in_another_language_is_never_mixed_into_the_recipients(
    recipient: RecipientFactory, prompt_language: str, locale: str
) -> None:
    """The writer cannot translate: the whole text is in the prompt's language."""
    for number in range(1, 15):
        text = write(brief(recipient, number, prompt=PROMPTS[prompt_language], locale=locale))
        assert languages_of(text) == {prompt_language}, text


def test_a_language_neutral_offer_is_written_in_the_recipients_language(
    recipient: RecipientFactory,
) -> None:
    for number in range(1, 10):
        text = write(brief(recipient, number, prompt="Black Friday", locale="es"))
        assert "Black Friday" in text
        assert languages_of(text) == {"es"}, text


@pytest.mark.parametrize(
    ("prompt", "fallback", "locale", "language"),
    [
        (
            "Lade die Kunden herzlich und persönlich zu allem ein, was wir haben.",
            "Hallo {first_name}! Unsere Weinprobe ist am Freitag um 19 Uhr.",
            "de",
            "de",
        ),
        (
            "Порекомендуй клиентам нашу новую коллекцию обуви.",
            "Здравствуйте! Новая коллекция обуви уже в магазине.",
            "en",
            "ru",
        ),
        (
            "Scrivi un messaggio ai clienti sulla degustazione di venerdì sera.",
            "Hi {first_name}, our tasting is on Friday evening.",
            "fr",
            "en",
        ),
        ("Mention their city.", "Hello!", "pt", "pt"),
    ],
)
def test_an_unreadable_prompt_is_never_sent_and_the_fallback_is_worded_instead(
    recipient: RecipientFactory, prompt: str, fallback: str, locale: str, language: str
) -> None:
    for number in range(1, 15):
        person = recipient(number, locale=locale)
        fields = recipient_fields(person.name, person.external_id)
        filled = fallback.replace("{first_name}", fields["first_name"])
        body = fallback_body(filled, fields["first_name"])
        text = write(brief(recipient, number, prompt=prompt, fallback_text=filled, locale=locale))
        first_words = " ".join(prompt.split()[:3])
        assert first_words.casefold() not in text.casefold(), text
        assert body in text
        assert languages_of(text) == {language}, text
        assert problem(Draft(text), "telegram_bot") is None


@pytest.mark.parametrize(
    ("text", "first_name", "body"),
    [
        ("Hello, Alice! Join our wine tasting.", "Alice", "Join our wine tasting."),
        ("Hi there, join our wine tasting.", None, "join our wine tasting."),
        ("Alice, join our wine tasting.", "Alice", "join our wine tasting."),
        ("¡Hola, Alice! Únete a la cata.", "Alice", "Únete a la cata."),
        ("Здравствуйте, Алиса! Ждём вас.", "Алиса", "Ждём вас."),
        ("Join our wine tasting.", "Alice", "Join our wine tasting."),
        ("Hello!", None, ""),
    ],
)
def test_the_fallback_text_loses_its_greeting(text: str, first_name: str | None, body: str) -> None:
    assert fallback_body(text, first_name) == body


def test_a_recipient_without_a_name_is_greeted_without_one(recipient: RecipientFactory) -> None:
    for number in range(1, 20):
        text = write(brief(recipient, number, name=None, labels=[], attributes={}))
        assert problem(Draft(text), "telegram_bot") is None
        assert "None" not in text


def test_the_same_delivery_gets_the_same_text_and_a_new_attempt_another(
    recipient: RecipientFactory,
) -> None:
    first = brief(recipient)
    assert write(first) == write(replace(first))
    assert write(replace(first, attempt=2)) != write(first)


def test_long_prompts_stay_within_instagrams_limit(recipient: RecipientFactory) -> None:
    prompt = ". ".join(["Our grand reopening brings " + "great things " * 40] * 4)
    for number in range(1, 50):
        text = write(brief(recipient, number, channel="instagram", prompt=prompt))
        assert problem(Draft(text), "instagram") is None


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_every_phrase_uses_only_the_details_its_part_is_given(code: str) -> None:
    bank = LANGUAGES[code].phrases
    allowed = {
        "greetings": {"name"},
        "name_bridges": {"name"},
        "openers": {"topic"},
        "details": {"detail"},
        "places": {"city"},
        "labels": {"label"},
        "interests": {"value"},
        "purchases": {"value"},
        "orders": {"count"},
    }
    for part, phrases in vars(bank).items():
        assert phrases, part
        for phrase in phrases:
            used = {name for _, name, _, _ in string.Formatter().parse(phrase) if name}
            assert used == allowed.get(part, set()), (part, phrase)


@pytest.mark.parametrize("code", sorted(PROMPTS))
@pytest.mark.parametrize("named", [True, False], ids=["name only", "no name"])
def test_a_thousand_recipients_with_nothing_but_a_name_get_different_texts(
    recipient: RecipientFactory, code: str, named: bool
) -> None:
    """Not one text with the name swapped: by the composer's fingerprint (names
    taken out) the writer alone repeats a text rarely, and a repeat is written
    again; by words, two texts share well under half of theirs on average."""
    campaign_id = uuid.uuid4()
    fingerprints: collections.Counter[bytes] = collections.Counter()
    words = []
    for number in range(1, 1001):
        name = f"Person{number % 50} Surname" if named else None
        person = recipient(number, name=name, labels=[], attributes={}, locale=code)
        text = write(
            brief(
                recipient,
                number,
                campaign_id=campaign_id,
                prompt=PROMPTS[code],
                name=name,
                labels=[],
                attributes={},
                locale=code,
            )
        )
        fields = recipient_fields(person.name, person.external_id)
        fingerprints[fingerprint(text, fields.values())] += 1
        if name:
            text = text.replace(name.split()[0], "")
        words.append(frozenset(re.findall(r"\w+", text.casefold())))
    repeated = sum(count - 1 for count in fingerprints.values())
    assert repeated <= 20
    sample = words[:200]
    distances = [1 - len(a & b) / len(a | b) for a, b in itertools.combinations(sample, 2)]
    assert sum(distances) / len(distances) > 0.5
