"""The built-in writer: personal texts with no model and no network.

It is not an LLM.  It reads the offer out of the campaign's prompt (dropping
the instruction around it: "Invite the customer to ...", "mention their city"),
then builds the message from the recipient's language's phrase banks: a
greeting, the offer, the prompt's further details, one or two personal touches
drawn from the recipient's city, labels, interests, last purchase or order
count, a call to action and a sign-off.  Each choice comes from a hash of
(campaign, recipient, step, attempt), so a recipient always gets the same text
for the same attempt, and another attempt gets another text.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass

from contracts.personal_fields import recipient_fields

from .model import Brief
from .phrases import BANKS, ENGLISH, PhraseBank
from .prompting import language_of
from .validation import TEXT_LIMITS

TOPIC_LENGTH = 300
DETAIL_LENGTH = 150
MAX_DETAILS = 2
FALLBACK_TOPIC = "we have something new for you"

_CLAUSES = re.compile(r"(?<=[.!?])\s+|;\s*|\n+")
_WRITE = r"^(?:please\s+)?(?:write|compose|create|draft|send|prepare|craft|generate)\b[^:]*?"
_AUDIENCE = (
    r"(?:the\s+|our\s+|all\s+)?(?:customers?|clients?|recipients?|users?|subscribers?|"
    r"followers?|people|everyone|them)"
)
_LEADS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        _WRITE + r"\b(?:about|announcing|promoting|regarding)\s+(?P<topic>.+)$",
        _WRITE + r"\binvit\w*\s+" + _AUDIENCE + r"\s+to\s+(?P<topic>.+)$",
        _WRITE + r"\bthat\s+(?P<topic>.+)$",
        _WRITE + r":\s*(?P<topic>.+)$",
        r"^(?:please\s+)?(?:invite|remind|tell|inform|notify|ask|encourage|let)\s+"
        + _AUDIENCE
        + r"\s+(?:know\s+)?(?:to|about|of|that|on)?\s*(?P<topic>.+)$",
        r"^(?:please\s+)?(?:announce|promote|advertise|share|present|introduce)\s+(?P<topic>.+)$",
    )
)
_INSTRUCTION = re.compile(
    r"^(?:please\s+)?(?:mention|use|include|add|keep|make|be|sign|don't|do\s+not|never|"
    r"avoid|address|refer|personali[sz]e|end|start|finish|begin|write\s+in|answer|limit|"
    r"stay|sound|tone)\b",
    re.IGNORECASE,
)
_PRONOUNS = {
    "their": "your",
    "theirs": "yours",
    "them": "you",
    "they": "you",
    "they're": "you're",
    "themselves": "yourself",
}
_PRONOUN = re.compile(r"\b(" + "|".join(map(re.escape, _PRONOUNS)) + r")\b", re.IGNORECASE)
_LEADING_WORDS = frozenset((
    "our", "the", "a", "an", "your", "we", "this", "it", "all", "every", "new",
    "unser", "unsere", "unseren", "die", "der", "das", "ein", "eine",
    "nuestra", "nuestro", "nuestras", "nuestros", "el", "la", "los", "las", "un", "una",
    "notre", "nos", "le", "les", "une",
))  # fmt: skip
"""First words lower-cased when the offer follows a colon; others (names) keep their case."""

PLACE_KEYS = ("city", "town", "location", "region", "country")
INTEREST_KEYS = ("interest", "interests", "favorite", "favourite", "favorite_category", "hobby")
PURCHASE_KEYS = ("last_purchase", "last_order", "last_product", "product")
ORDER_KEYS = ("orders", "order_count", "purchases")


@dataclass(frozen=True)
class Offer:
    """What the campaign is about, read out of its prompt."""

    topic: str
    details: tuple[str, ...] = ()


def _addressed_to_reader(text: str) -> str:
    """`their city` -> `your city`: the prompt speaks of the customer, the text to them."""

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        replacement = _PRONOUNS[word.lower()]
        return replacement.capitalize() if word[0].isupper() else replacement

    return _PRONOUN.sub(swap, text)


def _shorten(text: str, limit: int) -> str:
    text = text.strip().rstrip(" .!?;:,")
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" .!?;:,")


def read_offer(prompt: str) -> Offer:
    """The offer and its further details, without the instructions around them."""
    clauses = [c.strip() for c in _CLAUSES.split(prompt.strip()) if c and c.strip()]
    content = [c for c in clauses if not _INSTRUCTION.match(c)]
    if not content:
        return Offer(FALLBACK_TOPIC)
    first = content[0]
    for lead in _LEADS:
        if match := lead.match(first):
            first = match.group("topic")
            break
    topic = _shorten(_addressed_to_reader(first), TOPIC_LENGTH)
    if not topic:
        return Offer(FALLBACK_TOPIC)
    words = topic.split(maxsplit=1)
    if words[0].casefold() in _LEADING_WORDS:
        topic = topic[0].lower() + topic[1:]
    details = tuple(
        detail[0].upper() + detail[1:]
        for clause in content[1 : 1 + MAX_DETAILS]
        if (detail := _shorten(_addressed_to_reader(clause), DETAIL_LENGTH))
    )
    return Offer(topic, details)


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


def personal_touches(brief: Brief, bank: PhraseBank, rng: random.Random) -> list[str]:
    """Sentences only this recipient's details can make, in a random order."""
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


def _assemble(greeting: str, sentences: list[str], sign_off: str) -> str:
    body = " ".join(sentence for sentence in sentences if sentence)
    return "\n".join(part for part in (greeting, body, sign_off) if part)


def write(brief: Brief) -> str:
    """The text for `brief`, within its channel's length limit."""
    rng = _rng(brief)
    bank = BANKS.get(language_of(brief.recipient.locale) or "en", ENGLISH)
    offer = read_offer(brief.prompt)
    fields = recipient_fields(brief.recipient.name, brief.recipient.external_id)
    first_name = fields.get("first_name")
    greeting = (
        rng.choice(bank.greetings).format(name=first_name)
        if first_name
        else rng.choice(bank.anonymous_greetings)
    )
    opener = rng.choice(bank.openers).format(topic=offer.topic)
    details = [rng.choice(bank.details).format(detail=detail) for detail in offer.details]
    touches = personal_touches(brief, bank, rng)
    call = rng.choice(bank.calls_to_action)
    sign_off = rng.choice(bank.sign_offs)
    if touches and rng.random() < 0.4:
        sentences = [touches[0], opener, *details, *touches[1:], call]
    else:
        sentences = [opener, *details, *touches, call]
    text = _assemble(greeting, sentences, sign_off)
    if len(text) > TEXT_LIMITS[brief.channel]:
        text = _assemble(greeting, [opener, call], sign_off)
    return text
