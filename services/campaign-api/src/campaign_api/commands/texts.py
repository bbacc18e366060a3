"""The texts a `/send` command answers with, in the caller's language.

Every answer line and every refusal is a `Text`: an English message id with
`%(name)s` placeholders and the values put in them, rendered with a language's
gettext catalogue (`locales/<lang>/LC_MESSAGES/commands.po`, read at run time by
`service_kit.catalogues`).  `str()` of a text is its English rendering, so code
and logs that want English keep it.  `scripts/update_catalogues.sh` extracts the
message ids (the keyword is `Text`); a unit test fails while a catalogue lacks one."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from babel.support import Translations
from service_kit import catalogues

LOCALES = Path(__file__).resolve().parent / "locales"
DOMAIN = "commands"
LANGUAGES = ("en", "ru", "de")
DEFAULT_LANGUAGE = "en"


class Text:
    """An English message id and its values (texts among them render too)."""

    __slots__ = ("msgid", "values")

    def __init__(self, msgid: str, **values: object) -> None:
        self.msgid = msgid
        self.values = values

    def render(self, translations: Translations | None = None) -> str:
        """The text in the catalogue's language (None: English)."""
        template = translations.gettext(self.msgid) if translations else self.msgid
        if not self.values:
            return template
        values = {
            name: value.render(translations) if isinstance(value, Text) else value
            for name, value in self.values.items()
        }
        return template % values

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Text({self.msgid!r}, **{self.values!r})"


def language_of(accept_language: str | None) -> str:
    """The first language of an `Accept-Language` header the catalogues have,
    else English."""
    return catalogues.pick_language(None, accept_language, LANGUAGES, DEFAULT_LANGUAGE)


def translations(language: str) -> Translations:
    """The language's catalogue of the commands' texts, compiled once."""
    return catalogues.load_catalogue(LOCALES, DOMAIN, language)


def render_all(texts: Sequence[Text | str], language: str) -> list[str]:
    """Each text in `language`."""
    found = translations(language)
    return [t.render(found) if isinstance(t, Text) else t for t in texts]
