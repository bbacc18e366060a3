"""The built-in writer: personal texts with no model and no network.

It is not an LLM.  It reads the offer out of the campaign's prompt (dropping
the instruction around it: "Invite the customer to ...", "mention their city"),
then builds the message from its language's phrase banks: a greeting, the
offer, the prompt's further details, a friendly sentence of its own, one or two
personal touches drawn from the recipient's city, labels, interests, last
purchase or order count, a call to action and a sign-off, in varying order.
Each choice comes from a hash of (campaign, recipient, step, attempt), so a
recipient always gets the same text for the same attempt, and another attempt
gets another text.

It cannot translate, so a message is in one language throughout: the
recipient's when the prompt is in it (or in no telling language), otherwise the
prompt's.  A prompt it cannot read is never sent: the message is then a neutral
one around the campaign's fallback text, which the campaign wrote for its
customers.
"""

from __future__ import annotations

import hashlib
import random
import re

from contracts.personal_fields import recipient_fields

from .languages import ENGLISH, LANGUAGES, Language, detect
from .model import Brief
from .prompting import language_of
from .reading import fallback_body, read_offer
from .validation import TEXT_LIMITS

PLACE_KEYS = ("city", "town", "location", "region", "country")
INTEREST_KEYS = ("interest", "interests", "favorite", "favourite", "favorite_category", "hobby")
PURCHASE_KEYS = ("last_purchase", "last_order", "last_product", "product")
ORDER_KEYS = ("orders", "order_count", "purchases")
BRIDGE_SHARE = 0.75
"""How often a message carries a friendly sentence of its own."""
NAME_BRIDGE_SHARE = 0.3
"""How often that sentence addresses a named recipient by name."""


def message_language(recipient_locale: str | None, content_language: str | None) -> Language:
    """The one language of a message whose content is in `content_language`."""
    if content_language in LANGUAGES:
        return LANGUAGES[content_language]
    return LANGUAGES.get(language_of(recipient_locale) or "en", ENGLISH)


def _rng(brief: Brief) -> random.Random:
    key = f"{brief.campaign_id}/{brief.recipient_no}/{brief.step_no}/{brief.attempt}"
    return random.Random(hashlib.sha256(key.encode()).digest())


def _attribute(brief: Brief, keys: tuple[str, ...]) -> str | None:
    by_key = {
        re.sub(r"[\s-]+", "_", str(key).strip().casefold()): value
        for key, value in brief.recipient.attributes.items()
    }
    for key in keys:
        value = by_key.get(key)
        if value is not None and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()[:80]
    return None


def _label(label: str) -> str:
    words = re.sub(r"[-_]+", " ", label).strip()
    return words.upper() if len(words) <= 3 else words


def _order_count(brief: Brief) -> int | None:
    value = _attribute(brief, ORDER_KEYS)
    try:
        return int(float(value)) if value is not None else None
    except (ValueError, OverflowError):
        return None


def personal_touches(brief: Brief, language: Language, rng: random.Random) -> list[str]:
    """Sentences only this recipient's details can make, in a random order."""
    bank = language.phrases
    touches: list[str] = []
    if city := _attribute(brief, PLACE_KEYS):
        touches.append(rng.choice(bank.places).format(city=city))
    labels = [label for label in brief.recipient.labels if label.strip()]
    if labels:
        touches.append(rng.choice(bank.labels).format(label=_label(rng.choice(labels))))
    if interest := _attribute(brief, INTEREST_KEYS):
        touches.append(rng.choice(bank.interests).format(value=interest))
    if purchase := _attribute(brief, PURCHASE_KEYS):
        touches.append(rng.choice(bank.purchases).format(value=purchase))
    count = _order_count(brief)
    if count == 1:
        touches.append(rng.choice(bank.first_order))
    elif count is not None and count > 1:
        touches.append(rng.choice(bank.orders).format(count=count))
    rng.shuffle(touches)
    return touches[: rng.choice((1, 2))]


def _bridge(language: Language, first_name: str | None, rng: random.Random) -> str:
    bank = language.phrases
    if rng.random() >= BRIDGE_SHARE:
        return ""
    if first_name and rng.random() < NAME_BRIDGE_SHARE:
        return rng.choice(bank.name_bridges).format(name=first_name)
    return rng.choice(bank.bridges)


def _detail(language: Language, detail: str, rng: random.Random) -> str:
    template = rng.choice(language.phrases.details)
    if template.startswith("{detail}"):
        return template.format(detail=detail[0].upper() + detail[1:])
    return template.format(detail=language.after_colon(detail))


def _assemble(greeting: str, sentences: list[str], sign_off: str) -> str:
    body = " ".join(sentence for sentence in sentences if sentence)
    return "\n".join(part for part in (greeting, body, sign_off) if part)


def write(brief: Brief) -> str:
    """The text for `brief`, within its channel's length limit."""
    rng = _rng(brief)
    fields = recipient_fields(brief.recipient.name, brief.recipient.external_id)
    first_name = fields.get("first_name")
    offer = read_offer(brief.prompt)
    if offer is not None:
        language = message_language(brief.recipient.locale, offer.language)
        bank = language.phrases
        news = [rng.choice(bank.openers).format(topic=offer.topic)]
        news += [_detail(language, detail, rng) for detail in offer.details]
        news = [language.tidy(sentence) for sentence in news]
    else:
        body = fallback_body(brief.fallback_text, first_name)
        language = message_language(brief.recipient.locale, detect(body) if body else None)
        bank = language.phrases
        news = [rng.choice(bank.announcements), body]
    greeting = (
        rng.choice(bank.greetings).format(name=first_name)
        if first_name
        else rng.choice(bank.anonymous_greetings)
    )
    bridge = _bridge(language, first_name, rng)
    touches = personal_touches(brief, language, rng)
    call = rng.choice(bank.calls_to_action)
    sign_off = rng.choice(bank.sign_offs)
    middle = [bridge, *touches] if bridge and rng.random() < 0.5 else [*touches, bridge]
    if touches and rng.random() < 0.4:
        sentences = [middle[0], *news, *middle[1:], call]
    else:
        sentences = [*news, *middle, call]
    limit = TEXT_LIMITS[brief.channel]
    text = _assemble(greeting, sentences, sign_off)
    if len(text) > limit:
        text = _assemble(greeting, [*news, call], sign_off)
    if len(text) > limit:
        text = _assemble(greeting, [news[0], call], sign_off)
    return text
