"""How a person opts out of a tenant's campaigns (`STOP`) and back in (`START`),
in the tenants' languages, and the hint a WhatsApp text ends with.

A reply is a command only when the whole of it is one of the words, in any case,
with or without accents, once spaces, punctuation and symbols are set aside:
`" Stop! "`, `"СТОП."`, `"Arrêt"`, `"arret"` and `"BASTA!!"` opt out, while
`"please don't stop sending"` does not.  Every service that reads replies asks
`opt_command`, so they all agree on what a reply means.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Literal

OptCommand = Literal["stop", "start"]

STOP_WORDS: tuple[str, ...] = ("stop", "стоп", "stopp", "arrêt", "alto", "parar", "basta")
"""Opt out: en (and widely understood) stop; ru стоп; de/nb/sv stopp; fr arrêt;
es alto; pt/es parar; it/es/pt basta."""
START_WORDS: tuple[str, ...] = ("start", "unstop", "старт", "commencer", "comenzar", "começar")
"""Opt back in: en/de start, en unstop; ru старт; fr commencer; es comenzar; pt começar."""

DEFAULT_LANGUAGE = "en"
STOP_HINTS: dict[str, str] = {
    "en": "Reply STOP to unsubscribe.",
    "ru": "Чтобы отписаться, ответьте СТОП.",
    "de": "Antworten Sie STOPP, um sich abzumelden.",
    "es": "Responde ALTO para darte de baja.",
    "pt": "Responda PARAR para cancelar a inscrição.",
    "fr": "Répondez ARRÊT pour vous désabonner.",
    "it": "Rispondi BASTA per annullare l'iscrizione.",
}
"""The hint that ends every WhatsApp text, by the recipient's language; each names
the word that opts out in that language (English when the language has none)."""
STOP_HINT_MAX_LENGTH = 190
"""A tenant's own hint fits in the characters texts keep free for it (200, with
the blank line before it)."""


def folded(text: str) -> str:
    """`text` as commands are compared: lower case, without accents, and only its
    letters and digits (`" Arrêt! "` -> `arret`)."""
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    return "".join(c for c in decomposed if unicodedata.category(c)[0] in "LN")


_STOP = frozenset(folded(word) for word in STOP_WORDS)
_START = frozenset(folded(word) for word in START_WORDS)


def opt_command(text: str | None) -> OptCommand | None:
    """`stop` when the whole reply is a word that opts out, `start` when it is one
    that opts back in, else None (any other message, or none)."""
    if text is None:
        return None
    word = folded(text)
    if word in _STOP:
        return "stop"
    if word in _START:
        return "start"
    return None


def names_stop_word(text: str, *, shouted: bool = False) -> bool:
    """Whether one of the words of `text` opts out (a hint must tell people one);
    `shouted`: only a word in capitals counts, as hints write it (`ALTO`, not the
    Spanish adjective `alto`)."""
    return any(folded(word) in _STOP and (word.isupper() or not shouted) for word in text.split())


def language_of(locale: str | None) -> str | None:
    """The language of a locale: `pt_BR` and `pt-br` -> `pt` (None: not known)."""
    if locale is None:
        return None
    language = locale.strip().replace("_", "-").split("-")[0].casefold()
    return language or None


def stop_hint(locale: str | None, wording: Mapping[str, str] | None = None) -> str:
    """The hint for a recipient of `locale`: `wording` (a tenant's own, by
    language) over the built-in `STOP_HINTS`, and English for any other language."""
    hints = {**STOP_HINTS, **(wording or {})}
    return hints.get(language_of(locale) or DEFAULT_LANGUAGE) or hints[DEFAULT_LANGUAGE]
