"""The chat-completions simulator's writer: a short friendly marketing message built from the
prompt and any recipient details (`name: Alice` lines), the same for the same conversation and
different across recipients.  A fixed `reply` may name those details (`$first_name`, `$city`)
and the answer's `$turn`: each request gets it with its own values."""

from __future__ import annotations

import hashlib
import json
import random
import re
import string
from collections.abc import Sequence
from typing import Any

DETAIL = re.compile(r"^\s*([A-Za-z][A-Za-z_-]*(?: [A-Za-z_-]+)?)\s*:\s*(\S.*?)\s*$")
NAME_KEYS = ("name", "first_name", "first name", "customer", "recipient", "contact")
PROMPT_KEYS = ("prompt", "task", "brief", "campaign", "instructions", "instruction", "topic")
PLACE_KEYS = ("city", "location", "country", "region")
INTEREST_KEYS = ("interest", "interests", "favorite", "favourite", "category", "labels")
PURCHASE_KEYS = ("last_purchase", "last purchase", "last_order", "last order", "product")
OTHER_KEYS = ("id", "external_id", "phone", "email", "username", "language", "channel", "age")
KNOWN_KEYS = frozenset(
    NAME_KEYS + PROMPT_KEYS + PLACE_KEYS + INTEREST_KEYS + PURCHASE_KEYS + OTHER_KEYS
)

_LEADS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^(?:please\s+)?(?:write|compose|create|draft|generate|craft|prepare)\b.*?"
        r"\b(?:about|announcing|promoting|regarding|on|for|that)\s+(?P<topic>.+)$",
        r"^(?:please\s+)?(?:announce|promote|advertise|share)\s+(?P<topic>.+)$",
        r"^(?:please\s+)?(?:remind|tell)\s+\w+\s+(?:about|of|that)\s+(?P<topic>.+)$",
        r"^(?:please\s+)?invite\s+(?:the\s+|our\s+|all\s+)?\w+\s+to\s+(?P<topic>.+)$",
    )
]

GREETINGS = (
    "Hi {name}!",
    "Hello {name},",
    "Hey {name}!",
    "Good news, {name}:",
    "{name}, guess what?",
    "Dear {name},",
    "Hi {name}, hope you're well!",
    "{name}, hello!",
    "Greetings, {name}!",
    "Hello again, {name}!",
)
ANONYMOUS_GREETINGS = (
    "Hi there!",
    "Hello!",
    "Hey!",
    "Good news:",
    "Guess what?",
    "Greetings!",
    "Hello again!",
    "Hi, hope you're well!",
)
TOPIC_SHAPES = (
    "{Topic}, and we didn't want you to miss it.",
    "We're excited to share this with you: {topic}.",
    "Just a quick heads-up: {topic}.",
    "Here's something we think you'll love: {topic}.",
    "{Topic}, and you're among the first to know.",
    "We've been saving this one for you: {topic}.",
    "Big news from our side: {topic}.",
    "In case you haven't heard: {topic}.",
    "We couldn't wait to tell you: {topic}.",
    "Mark this one down: {topic}.",
    "Straight from our team: {topic}.",
    "Here's what's happening: {topic}.",
)
BRIDGES = (
    "We think it's right up your street.",
    "It would be lovely to see you there.",
    "We put real care into this one.",
    "It's our way of saying thank you.",
    "We'd hate for you to miss out.",
    "We hope it brightens your week.",
    "It only takes a moment to check it out.",
    "Our regulars love this kind of thing.",
    "",
)
PLACE_SHAPES = (
    "Plenty of people in {value} have already jumped in.",
    "It's a great fit for anyone in {value}.",
    "Folks in {value} are already talking about it.",
)
INTEREST_SHAPES = (
    "Given your love of {value}, we think you'll enjoy it.",
    "We picked it with your interest in {value} in mind.",
)
PURCHASE_SHAPES = (
    "It goes perfectly with your {value}.",
    "If you liked your {value}, this is the natural next step.",
)
CALLS_TO_ACTION = (
    "Reply to this message to learn more.",
    "Just reply here and we'll send you the details.",
    "Let us know if you have any questions!",
    "Don't wait too long, it won't last.",
    "Tap reply and we'll take care of the rest.",
    "Write back with any questions.",
    "Send us a quick reply if you're in.",
    "Questions? We're right here.",
    "Reply 'yes' and we'll save you a spot.",
    "Drop us a message to find out more.",
)
SIGN_OFFS = (
    "See you soon!",
    "Have a great day!",
    "Cheers!",
    "Talk soon!",
    "Warm wishes!",
    "Take care!",
    "All the best!",
    "",
)
FALLBACK_TOPIC = "we have something new for you"


def compose(messages: Sequence[Any], variant: int = 0, seed: int | None = None) -> str:
    """A message for this conversation; `variant` picks another wording (for `n` > 1), and
    so does another sampling `seed` (none: the conversation alone decides)."""
    key: list[Any] = [messages, variant] if seed is None else [messages, variant, seed]
    seed_bytes = hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).digest()
    rng = random.Random(seed_bytes)
    details, free_lines, system_text = _read(messages)
    name = _first(details, NAME_KEYS)
    prompt = _first(details, PROMPT_KEYS) or " ".join(free_lines) or system_text
    topic = _topic(prompt)
    greeting = rng.choice(GREETINGS).format(name=name) if name else rng.choice(ANONYMOUS_GREETINGS)
    shape = rng.choice(TOPIC_SHAPES)
    parts = [greeting, shape.format(topic=topic, Topic=topic[:1].upper() + topic[1:])]
    personal = _personal_touch(details, rng)
    if personal:
        parts.append(personal)
    parts.append(rng.choice(BRIDGES))
    parts.append(rng.choice(CALLS_TO_ACTION))
    parts.append(rng.choice(SIGN_OFFS))
    return " ".join(part for part in parts if part)


def fill(reply: str, messages: Sequence[Any]) -> str:
    """A fixed reply with the request's recipient details in it: `$name`, `$first_name`,
    `$city` (a detail the request lacks stays as it is written), and `$turn`, which answer
    of the conversation this is (1, then 2 after one earlier answer of the model...)."""
    details, _, _ = _read(messages)
    values = {key.replace(" ", "_"): value for key, value in details.items()}
    answers = sum(isinstance(m, dict) and m.get("role") == "assistant" for m in messages)
    values["turn"] = str(answers + 1)
    return string.Template(reply).safe_substitute(values)


def _read(messages: Sequence[Any]) -> tuple[dict[str, str], list[str], str]:
    """Details (`key: value` lines with a known key) and the other lines of the user messages;
    the system text."""
    details: dict[str, str] = {}
    free_lines: list[str] = []
    system: list[str] = []
    for message in messages:
        if not isinstance(message, dict):
            continue
        text = _text(message.get("content"))
        if message.get("role") in ("system", "developer"):
            system.append(text)
            continue
        for line in text.splitlines():
            match = DETAIL.match(line)
            if match and match.group(1).lower() in KNOWN_KEYS:
                details[match.group(1).lower()] = match.group(2)
            elif line.strip():
                free_lines.append(line.strip())
    return details, free_lines, " ".join(system)


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return ""


def _first(details: dict[str, str], keys: Sequence[str]) -> str:
    return next((details[key] for key in keys if details.get(key)), "")


def _topic(prompt: str) -> str:
    sentence = re.split(r"(?<=[.!?])\s+|\n", prompt.strip(), maxsplit=1)[0].strip()
    for lead in _LEADS:
        match = lead.match(sentence)
        if match:
            sentence = match.group("topic")
            break
    topic = sentence.rstrip(" .!?;:")[:160]
    if not topic:
        return FALLBACK_TOPIC
    first_word = topic.split()[0]
    if first_word[1:] == first_word[1:].lower() and first_word != "I":
        topic = topic[0].lower() + topic[1:]
    return topic


def _personal_touch(details: dict[str, str], rng: random.Random) -> str:
    options = []
    for keys, shapes in (
        (PLACE_KEYS, PLACE_SHAPES),
        (INTEREST_KEYS, INTEREST_SHAPES),
        (PURCHASE_KEYS, PURCHASE_SHAPES),
    ):
        value = _first(details, keys)
        if value:
            options.append(rng.choice(shapes).format(value=value))
    return rng.choice(options) if options else ""
