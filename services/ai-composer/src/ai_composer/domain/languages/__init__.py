"""The languages the built-in writer writes in: English, German, Spanish, French,
Portuguese and Russian.

Each language's module holds all the writer knows of it: the phrase banks a
message is built from, and how a campaign prompt written in it is read (the
leads that frame the offer, the instructions that are dropped, the words an
instruction to the writer starts with, and the words that tell the language
apart).  `detect` says which of them a text is written in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

_WORDS = re.compile(r"\w+(?:'\w+)?")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_UKRAINIAN = re.compile(r"[іїєґ]", re.IGNORECASE)
MIN_SCORE = 1
"""Evidence needed before a text counts as written in a language."""


@dataclass(frozen=True)
class PhraseBank:
    """The parts a message is made of; a message takes one phrase from each part it
    uses.  `{name}`, `{topic}`, `{detail}`, `{city}`, `{label}`, `{value}` and
    `{count}` are filled by the writer, never sent as they are."""

    greetings: tuple[str, ...]
    anonymous_greetings: tuple[str, ...]
    openers: tuple[str, ...]
    """Introduce the offer read out of the prompt: `{topic}`."""
    announcements: tuple[str, ...]
    """Introduce news when the prompt could not be read: no `{topic}`."""
    bridges: tuple[str, ...]
    """A friendly sentence of their own, fitting any offer."""
    name_bridges: tuple[str, ...]
    """The same, addressing the recipient by name: `{name}`."""
    details: tuple[str, ...]
    places: tuple[str, ...]
    labels: tuple[str, ...]
    interests: tuple[str, ...]
    purchases: tuple[str, ...]
    first_order: tuple[str, ...]
    orders: tuple[str, ...]
    calls_to_action: tuple[str, ...]
    sign_offs: tuple[str, ...]
    """An empty sign-off leaves the message without one."""

    def all_phrases(self) -> list[str]:
        return [
            phrase
            for part in (
                self.greetings,
                self.anonymous_greetings,
                self.openers,
                self.announcements,
                self.bridges,
                self.name_bridges,
                self.details,
                self.places,
                self.labels,
                self.interests,
                self.purchases,
                self.first_order,
                self.orders,
                self.calls_to_action,
                self.sign_offs,
            )
            for phrase in part
        ]


@dataclass(frozen=True)
class Lead:
    """How a prompt's first sentence may frame its offer: `pattern` captures the
    offer as `topic`, `template` says it to the recipient."""

    pattern: re.Pattern[str]
    template: str = "{topic}"


def lead(pattern: str, template: str = "{topic}") -> Lead:
    return Lead(re.compile(pattern, re.IGNORECASE), template)


def words(text: str) -> frozenset[str]:
    """The words of `text`, separated by blanks."""
    return frozenset(text.split())


def _unchanged(text: str) -> str:
    return text


@dataclass(frozen=True)
class Language:
    code: str
    phrases: PhraseBank
    leads: tuple[Lead, ...]
    instructions: re.Pattern[str]
    """A sentence telling the writer how to write ("mention their city"): dropped."""
    verbs: frozenset[str]
    """First words (lower case) of a sentence that instructs the writer: a prompt
    whose offer opens with one and fits no lead cannot be read."""
    stopwords: frozenset[str]
    letters: str = ""
    """Letters that hint at the language."""
    pronouns: Mapping[str, str] = field(default_factory=dict)
    """The prompt's words for the customer's things, as said to the customer."""
    leading_words: frozenset[str] = frozenset()
    """First words lower-cased when the offer follows a colon; others (names) keep their case."""
    capitalize_topic: bool = False
    """German starts a sentence after a colon with a capital letter."""
    lower_after_colon: bool = False
    """Spanish, French, Portuguese and Russian go on in lower case after a colon."""
    tidy: Callable[[str], str] = _unchanged
    """Last touches to a sentence (French elision)."""

    def after_colon(self, text: str) -> str:
        """`text` as it goes on after an opener's colon."""
        if not text:
            return text
        if self.capitalize_topic:
            return text[0].upper() + text[1:]
        first = text.split(maxsplit=1)[0]
        acronym = any(char.isupper() for char in first[1:])
        if first.casefold() in self.leading_words or (self.lower_after_colon and not acronym):
            return text[0].lower() + text[1:]
        return text

    def is_instruction(self, clause: str) -> bool:
        return self.instructions.match(clause) is not None

    def opens_with_verb(self, clause: str) -> bool:
        words = _WORDS.findall(clause.casefold())
        return bool(words) and words[0] in self.verbs

    def score(self, words: list[str], text: str) -> int:
        hits = sum(word in self.stopwords for word in words)
        hints = sum(text.count(letter) for letter in self.letters)
        return hits + 2 * min(hints, 3)


def _registry() -> dict[str, Language]:
    from . import de, en, es, fr, pt, ru

    return {module.LANGUAGE.code: module.LANGUAGE for module in (en, de, es, fr, pt, ru)}


LANGUAGES: dict[str, Language] = _registry()
"""By language code, English first."""
ENGLISH = LANGUAGES["en"]


def detect(text: str) -> str | None:
    """The language `text` is written in, or None when it does not tell.

    Cyrillic is Russian (or Ukrainian, which the writer does not write); Latin
    script goes to the language with the most of its common words and letters,
    when there are enough and no other language has as many."""
    letters = [char for char in text if char.isalpha()]
    if not letters:
        return None
    if sum(bool(_CYRILLIC.match(char)) for char in letters) * 2 > len(letters):
        return "uk" if _UKRAINIAN.search(text) else "ru"
    lowered = text.casefold()
    words = _WORDS.findall(lowered.replace("\u2019", "'"))
    scores = sorted(
        ((language.score(words, lowered), code) for code, language in LANGUAGES.items()),
        reverse=True,
    )
    (best, code), (second, _) = scores[0], scores[1]
    if best < MIN_SCORE or best == second:
        return None
    return code
