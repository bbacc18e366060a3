"""The built-in writer: varied, personal texts from the prompt, with no model."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import replace

import pytest
from ai_composer.domain.model import Brief, Draft
from ai_composer.domain.phrases import ENGLISH, FRENCH, GERMAN, SPANISH, PhraseBank
from ai_composer.domain.validation import problem
from ai_composer.domain.writer import Offer, read_offer, write
from contracts.base import ConnectionChannel

from ..conftest import PROMPT, RecipientFactory


@pytest.mark.parametrize(
    ("prompt", "offer"),
    [
        (PROMPT, Offer("our wine tasting on Friday at 7 pm")),
        (
            "Tell customers that our autumn sale starts today, 20% off all coats.",
            Offer("our autumn sale starts today, 20% off all coats"),
        ),
        (
            "Our autumn sale starts today. 20% off all coats. Mention their city. Be brief.",
            Offer("our autumn sale starts today", ("20% off all coats",)),
        ),
        (
            "Write a friendly message about the summer clearance at our Madrid store",
            Offer("the summer clearance at our Madrid store"),
        ),
        (
            "Remind them that their subscription renews on Friday",
            Offer("your subscription renews on Friday"),
        ),
        ("Announce Friday's jazz night!", Offer("Friday's jazz night")),
        ("Mention their city.", Offer("we have something new for you")),
    ],
)
def test_the_offer_is_read_out_of_the_prompt(prompt: str, offer: Offer) -> None:
    assert read_offer(prompt) == offer


def brief(
    recipient: RecipientFactory,
    number: int = 1,
    *,
    campaign_id: uuid.UUID | None = None,
    channel: ConnectionChannel = "telegram_bot",
    prompt: str = PROMPT,
    **fields: object,
) -> Brief:
    return Brief(
        campaign_id=campaign_id or uuid.uuid4(),
        recipient_no=number,
        step_no=1,
        prompt=prompt,
        channel=channel,
        recipient=recipient(number, **fields),
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


@pytest.mark.parametrize(
    ("locale", "bank"),
    [("de-DE", GERMAN), ("es", SPANISH), ("fr-CA", FRENCH), ("en", ENGLISH), ("pt-BR", ENGLISH)],
)
def test_the_recipients_language_is_used_or_english(
    recipient: RecipientFactory, locale: str, bank: PhraseBank
) -> None:
    for number in range(1, 12):
        text = write(brief(recipient, number, locale=locale))
        assert any(call in text for call in bank.calls_to_action), text


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


def test_a_thousand_recipients_get_different_texts(recipient: RecipientFactory) -> None:
    """Six kinds of recipient (name, city, label): the writer alone repeats a text
    rarely; the composer's store makes every text of a campaign unique."""
    campaign_id = uuid.uuid4()
    briefs = [brief(recipient, number, campaign_id=campaign_id) for number in range(1, 1001)]
    texts = [write(b) for b in briefs]
    assert len(set(texts)) >= 995
    without_names = [
        text.replace(b.recipient.name.split()[0], "") if b.recipient.name else text
        for b, text in zip(briefs, texts, strict=True)
    ]
    differing = sum(a != b for a, b in itertools.combinations(without_names, 2))
    assert differing / (1000 * 999 / 2) >= 0.95
    assert all(problem(Draft(text), "telegram_bot") is None for text in texts)
