"""A linked group as the bot acts for it: its bot's token and the tenant's keys
opened (in memory only), its language and who may start mass sendings."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from service_kit.secrets import SecretBox

from .repo import StoredGroup

ADMIN_STATUSES = frozenset({"creator", "administrator"})


@dataclass(frozen=True)
class Group:
    chat_id: int
    tenant_id: str
    token: str
    admin_key: str
    operator_key: str
    language: str
    allowed_user_ids: frozenset[int]

    @property
    def bot_id(self) -> int:
        """The bot's id: the number its token starts with."""
        return int(self.token.split(":", 1)[0])

    def key_for(self, user_id: int | None, status: str | None) -> str:
        """The administrators' key for the group's administrators and the users the
        tenant allows; the operators' key for everyone else."""
        if user_id is not None and (user_id in self.allowed_user_ids or status in ADMIN_STATUSES):
            return self.admin_key
        return self.operator_key


def webhook_secret(token: str) -> str:
    """What Telegram sends back with each webhook post of a bot (derived from its
    token, so it needs no storing and changes with it)."""
    return hmac.new(token.encode(), b"operator-bot webhook", hashlib.sha256).hexdigest()


def open_group(stored: StoredGroup, box: SecretBox) -> Group:
    """The group with its secrets opened; raises SecretUnreadable when no key opens them."""
    keys = box.open_credentials(stored.sealed_keys)
    return Group(
        chat_id=stored.chat_id,
        tenant_id=stored.tenant_id,
        token=box.open(stored.sealed_bot_token),
        admin_key=keys["admin"],
        operator_key=keys["operator"],
        language=stored.language,
        allowed_user_ids=stored.allowed_user_ids,
    )
