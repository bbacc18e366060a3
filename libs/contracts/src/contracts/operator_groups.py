"""The operators' Telegram group: where a tenant's admins and operators type `/send`,
and which of its topics talks with which customer.

A tenant links its group (the group's chat id and its bot's token) through
campaign-api, which announces it to the operator-bot; the platform that owns the
inbox binds each dialog topic to one customer."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import ConnectionId, ExternalId, Message, TenantId, UtcDatetime

BotLanguage = Literal["en", "ru", "de"]
TelegramChatId = int
"""A Telegram chat id: a supergroup's is negative (`-100...`)."""


class OperatorGroupLinkedV1(Message):
    """`operator_group.linked.v1`: a tenant linked its operators' Telegram group, changed
    it, or unlinked it (`unlinked`).  The bot's token and the API keys the bot acts
    with travel sealed with the newest of the `SECRETS_KEYS`, never in clear.  Of two
    announcements of one group the later `changed_at` holds."""

    tenant_id: TenantId
    chat_id: TelegramChatId
    sealed_bot_token: str = Field(
        max_length=8192, description="The bot's token from @BotFather, sealed (a Fernet token)"
    )
    sealed_keys: str = Field(
        max_length=8192,
        description="The tenant's API keys the bot acts with, sealed: a JSON object "
        '`{"admin": "cmp_...", "operator": "cmp_..."}` (admin for the group\'s administrators '
        "and the allowed users, operator for everyone else)",
    )
    language: BotLanguage = Field(default="en", description="The language the bot answers in")
    allowed_user_ids: list[int] = Field(
        default_factory=list,
        max_length=1000,
        description="Telegram user ids who may start mass campaigns besides the group's "
        "administrators (the reference's EXTENSIONS_ALLOWED)",
    )
    unlinked: bool = False
    changed_at: UtcDatetime


class DialogTopicBoundV1(Message):
    """`dialog.topic.bound.v1` on `dialogs`: the platform that owns the inbox bound a
    topic of a tenant's operator group to one customer's dialog (or unbound it:
    `unbound`).  In that topic `/send TEMPLATE [TIME]` sends to that customer."""

    tenant_id: TenantId
    chat_id: TelegramChatId
    thread_id: int = Field(ge=1, description="The topic's `message_thread_id`")
    connection_id: ConnectionId
    external_id: ExternalId
    unbound: bool = False
    bound_at: UtcDatetime
