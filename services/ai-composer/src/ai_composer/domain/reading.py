"""What a campaign prompt offers, read without a model, and what a fallback text
says once its greeting is taken off.

A prompt tells the writer what to write ("Invite the customer to our wine
tasting on Friday. Mention their city."): its first sentence that is not an
instruction about style holds the offer, framed by a lead ("Invite the customer
to ...") that is said again to the customer ("our wine tasting on Friday");
further sentences are details.  When the offer cannot be told from the
instruction around it — a lead the writer does not know, a language it does not
read — the prompt is not read at all (None): the customer must never receive
the instruction itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .languages import LANGUAGES, Language, detect

TOPIC_LENGTH = 300
DETAIL_LENGTH = 150
MAX_DETAILS = 2
SHORT_STATEMENT_WORDS = 6
"""A sentence this short, in no language the writer can tell, is taken as it is
("Black Friday: -50%"); a longer one might be an instruction in a language it
does not read."""

_CLAUSES = re.compile(r"(?<=[.!?])\s+|;\s*|\n+")
_EDGES = " .!?;:,"
_COORDINATED = re.compile(r"(?:,\s*|\s+)(?:and|und|и|y|e|et)\s+(\w+)", re.IGNORECASE)
_GREETING_WORDS = (
    r"hi|hello|hey|dear|greetings|good\s+(?:morning|afternoon|evening|day)|hallo|hi|"
    r"guten\s+(?:tag|morgen|abend)|liebe|lieber|moin|hola|buenas|buenos\s+días|querid[oa]|"
    r"estimad[oa]|bonjour|bonsoir|salut|cher|chère|olá|oi|bom\s+dia|boa\s+(?:tarde|noite)|"
    r"car[oa]|prezad[oa]|привет|здравствуйте|добрый\s+(?:день|вечер)|доброе\s+утро|"
    r"дорог(?:ой|ая|ие)|уважаем(?:ый|ая|ые)"
)
_GREETING = re.compile(
    r"^\s*[¡]?(?:" + _GREETING_WORDS + r")\b[^.!?\n]{0,40}?[,!.:]+\s*", re.IGNORECASE
)


@dataclass(frozen=True)
class Offer:
    """What the campaign is about, as said to the customer, and its language
    (None when the words do not tell, as in "Black Friday: -50%")."""

    topic: str
    details: tuple[str, ...] = ()
    language: str | None = None


def _clauses(text: str, readers: list[Language]) -> list[str]:
    """Sentences, and the instructions joined in one ("... and wish them a happy
    new year") apart."""
    text = text.replace("\u2019", "'").strip()
    clauses = []
    for sentence in _CLAUSES.split(text):
        rest = sentence.strip(_EDGES) if sentence else ""
        while rest:
            joint = next(
                (
                    match
                    for match in _COORDINATED.finditer(rest)
                    if any(language.opens_with_verb(match.group(1)) for language in readers)
                ),
                None,
            )
            if joint is None:
                clauses.append(rest)
                break
            clauses.append(rest[: joint.start()].strip(_EDGES))
            rest = rest[joint.start(1) :]
    return [clause for clause in clauses if clause]


def _shorten(text: str, limit: int) -> str:
    text = text.strip().strip(_EDGES)
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].strip(_EDGES)


def _addressed_to_reader(text: str, language: Language) -> str:
    """`their city` -> `your city`: the prompt speaks of the customer, the text to them."""
    if not language.pronouns:
        return text
    words = re.compile(r"\b(" + "|".join(map(re.escape, language.pronouns)) + r")\b", re.IGNORECASE)

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        replacement = language.pronouns[word.lower()]
        return replacement.capitalize() if word[0].isupper() else replacement

    return words.sub(swap, text)


def _framed(clause: str, readers: list[Language]) -> tuple[str, Language] | None:
    """The offer inside a lead of one of `readers`' languages, said to the customer."""
    for language in readers:
        for known in language.leads:
            if match := known.pattern.match(clause):
                topic = _shorten(_addressed_to_reader(match.group("topic"), language), TOPIC_LENGTH)
                if topic:
                    return known.template.format(topic=topic), language
    return None


def read_offer(prompt: str) -> Offer | None:
    """The offer and its further details, without the instructions around them;
    None when the offer cannot be told from the instructions."""
    code = detect(prompt)
    if code is not None and code not in LANGUAGES:
        return None
    readers = [LANGUAGES[code]] if code is not None else list(LANGUAGES.values())
    content = [
        clause
        for clause in _clauses(prompt, readers)
        if not any(language.is_instruction(clause) for language in readers)
    ]
    if not content:
        return None
    first, rest = content[0], content[1:]
    framed = _framed(first, readers)
    if framed is not None:
        topic, language = framed
    elif any(language.opens_with_verb(first) for language in readers) or (
        code is None and len(first.split()) > SHORT_STATEMENT_WORDS
    ):
        return None  # an instruction it cannot read, or words in a language it does not know
    else:
        language = readers[0]
        topic = _shorten(_addressed_to_reader(first, language), TOPIC_LENGTH)
        if not topic:
            return None
    details = tuple(detail for clause in rest if (detail := _detail(clause, language, readers)))[
        :MAX_DETAILS
    ]
    return Offer(language.after_colon(topic), details, code or (language.code if framed else None))


def _detail(clause: str, language: Language, readers: list[Language]) -> str:
    """A further sentence of the prompt as said to the customer; empty when it
    is an instruction the writer cannot read."""
    if (framed := _framed(clause, [language])) is not None:
        return _shorten(framed[0], DETAIL_LENGTH)
    if any(reader.opens_with_verb(clause) for reader in readers):
        return ""
    return _shorten(_addressed_to_reader(clause, language), DETAIL_LENGTH)


def fallback_body(text: str, first_name: str | None) -> str:
    """The campaign's fallback text (its personal fields filled) without the
    greeting it opens with, which the writer says in its own words."""
    body = _GREETING.sub("", text, count=1)
    if first_name:
        body = re.sub(r"^\s*" + re.escape(first_name) + r"\s*[,!.:]+\s*", "", body)
    return body.strip()
