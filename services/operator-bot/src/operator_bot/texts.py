"""What the bot says in its own words, in the group's language: one gettext
catalogue per language (`locales/<lang>/LC_MESSAGES/bot.po`, English texts as the
ids; `make catalogues` updates them).  What a command did is campaign-api's answer,
in the same language (`Accept-Language`)."""

from __future__ import annotations

from pathlib import Path

from service_kit.catalogues import N_, load_catalogue

LOCALES = Path(__file__).resolve().parent / "locales"
DOMAIN = "bot"
LANGUAGES = ("en", "ru", "de")


NOT_BOUND = N_(
    "This topic is not bound to a customer's dialog: type /send in General, or ask for "
    "the topic to be bound to the customer."
)
STARTED = N_("Sending sid%(sid)s “%(name)s” started: %(count)s recipients.")
COMPLETE = N_("Sending sid%(sid)s “%(name)s” is complete.")
CANCELLED = N_("Sending sid%(sid)s “%(name)s” was cancelled.")
COUNTS = N_(
    "Delivered %(sent)s, failed %(failed)s, skipped %(skipped)s, cancelled %(cancelled)s "
    "of %(audience)s."
)
WHY = N_("Why they were not delivered:")
PAUSED_ITSELF = N_(
    "Sending sid%(sid)s “%(name)s” paused itself: %(why)s. Nothing more is sent until "
    "someone looks into it and types /send sid%(sid)s resume."
)
FAILURE_RATE = N_("%(failed)s of its last %(attempts)s messages failed")
ACCOUNT_RESTRICTED = N_("the platform restricted the sending account (%(code)s)")


def say(language: str, message: str, **values: object) -> str:
    """`message` in `language` (English when the group's is not one the bot has),
    its `%(name)s` placeholders filled."""
    found = load_catalogue(LOCALES, DOMAIN, language if language in LANGUAGES else "en")
    translated = found.gettext(message)
    return translated % values if values else translated
