"""Checks every written text passes before it is used: it fits the channel, says
something, has no template placeholders left, and (on WhatsApp) leaves the opt-out
line to the dispatcher.  Uniqueness within the campaign is checked where the
campaign's texts are kept, by `fingerprint`."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from contracts.base import ConnectionChannel
from contracts.optout import names_stop_word

from .model import Draft

MIN_PERSONAL_LENGTH = 2
"""Shorter personal values (a single digit) are left in the text a fingerprint is taken of."""
STOP_HINT_RESERVE = 200
"""Characters left free on WhatsApp for the `STOP` hint the dispatcher appends."""

TEXT_LIMITS: dict[ConnectionChannel, int] = {
    "telegram_bot": 4096,
    "telegram_user": 4096,
    "whatsapp": 4096 - STOP_HINT_RESERVE,
    "instagram": 999,
}
"""The longest text, in characters, each kind of connection may be given."""

PLACEHOLDERS = (
    re.compile(r"\{[^{}\n]{1,40}\}"),  # {name}, {{first_name}}, {city|there}
    re.compile(r"\[[A-Za-z][^\[\]\n]{0,40}\]"),  # [Name], [Your Company]
    re.compile(r"</?[A-Za-z][A-Za-z _-]{0,30}>"),  # <name>, and HTML tags: plain text only
)
_QUOTES = {'"': '"', "“": "”", "«": "»", "'": "'"}
_WHITESPACE = re.compile(r"\s+")
_REFUSAL = re.compile(
    r"^(?:(?:i'm |i am )?sorry,? (?:but )?)?"
    r"i (?:can't|cannot|can not|won't|am unable to|'m unable to|am not able to) "
    r"(?:help|assist|comply|write|create|do|provide|fulfil|fulfill|generate|produce|support)\b"
    r"|^as an ai\b"
)
_REFUSAL_MAX_LENGTH = 300

ProblemKind = Literal["truncated", "empty", "too_long", "placeholder", "stop_hint", "duplicate"]


@dataclass(frozen=True)
class Problem:
    kind: ProblemKind
    detail: str
    """Why, in words the model can act on when it writes the text again."""


DUPLICATE = Problem("duplicate", "another recipient of this campaign already got exactly this text")


def clean(text: str) -> str:
    """The text without surrounding blanks or one pair of quotes around it all."""
    text = text.replace("\r\n", "\n").strip()
    if len(text) >= 2 and _QUOTES.get(text[0]) == text[-1]:
        text = text[1:-1].strip()
    return text


def problem(draft: Draft, channel: ConnectionChannel) -> Problem | None:
    """The first reason `draft` (cleaned) cannot be sent on `channel`, or None."""
    text = draft.text
    if draft.truncated:
        return Problem("truncated", "it was cut off before its end; write a shorter message")
    if not text:
        return Problem("empty", "it was empty")
    limit = TEXT_LIMITS[channel]
    if len(text) > limit:
        return Problem(
            "too_long", f"it has {len(text)} characters and the limit is {limit}; write less"
        )
    for pattern in PLACEHOLDERS:
        if match := pattern.search(text):
            return Problem(
                "placeholder",
                f"it contains the placeholder {match.group(0)}; use the recipient's details "
                "or leave the detail out",
            )
    if channel == "whatsapp" and names_stop_word(text, shouted=True):
        return Problem(
            "stop_hint",
            "it mentions STOP (or СТОП, ARRÊT, ...); the opt-out line is added automatically, "
            "leave it out",
        )
    return None


def fingerprint(text: str, personal: Iterable[str] = ()) -> bytes:
    """Equal for texts that differ only in case, spacing and the recipients'
    `personal` details (name, first name, city, ...): "Hi Alice!" and "Hi Bob!"
    are the same text with a name swapped, and anti-spam filters see that."""
    normal = text.casefold()
    values = {value.strip().casefold() for value in personal}
    for value in sorted(values, key=len, reverse=True):
        if len(value) >= MIN_PERSONAL_LENGTH:
            normal = re.sub(r"(?<!\w)" + re.escape(value) + r"(?!\w)", " ", normal)
    normal = _WHITESPACE.sub(" ", normal).strip()
    return hashlib.sha256(normal.encode()).digest()


def looks_like_refusal(text: str) -> bool:
    """A short answer that opens the way a model declines a task."""
    opening = text.strip().casefold().replace("\u2019", "'")
    return len(opening) <= _REFUSAL_MAX_LENGTH and _REFUSAL.match(opening) is not None
