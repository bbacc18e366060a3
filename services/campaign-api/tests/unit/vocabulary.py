"""The words of one tenant that the `/send` tests read commands against: its
templates and its instance ids."""

from __future__ import annotations

from campaign_api.commands.grammar import Vocabulary

WORDS = Vocabulary(
    templates=frozenset({"promo", "welcome", "tg2", "special_offer", "onboarding"}),
    connections=frozenset({"tg-main", "wa-1", "wa-main", "tg2", "42"}),
)
"""`tg2` is both a template and an instance id, and `42` an instance id that looks
like a user id: words a command must not take for one another."""
