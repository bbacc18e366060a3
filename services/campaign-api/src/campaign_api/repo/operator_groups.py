"""Operator groups (a tenant's Telegram groups the operator-bot answers in) and
the topics bound to one customer's dialog each."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from contracts.operator_groups import BotLanguage
from service_kit.sealing import SealedColumn

from . import Conn, Pool, sql

UPSERT_OPERATOR_GROUP = sql("upsert_operator_group")
SELECT_OPERATOR_GROUP = sql("select_operator_group")
SELECT_OPERATOR_GROUPS = sql("select_operator_groups")
DELETE_OPERATOR_GROUP = sql("delete_operator_group")
REVOKE_OPERATOR_GROUP_KEYS = sql("revoke_operator_group_keys")
UPSERT_OPERATOR_GROUP_TOPIC = sql("upsert_operator_group_topic")
DELETE_OPERATOR_GROUP_TOPIC = sql("delete_operator_group_topic")
SELECT_OPERATOR_GROUP_TOPICS = sql("select_operator_group_topics")
SEALED_COLUMNS = (
    SealedColumn(
        select_sealed=sql("select_sealed_operator_group_tokens"),
        reseal=sql("update_sealed_operator_group_token"),
    ),
    SealedColumn(
        select_sealed=sql("select_sealed_operator_group_keys"),
        reseal=sql("update_sealed_operator_group_keys"),
    ),
)
"""The groups' bot tokens and keys, sealed again with the newest of `SECRETS_KEYS`
when the service starts (`service_kit.sealing`), as connections' credentials are."""


@dataclass(frozen=True)
class TopicBinding:
    """A topic of the group (`thread_id`) bound to one customer's dialog."""

    thread_id: int
    connection_id: str
    external_id: str
    bound_at: datetime


@dataclass(frozen=True)
class OperatorGroup:
    """A linked group as stored: the bot's token and the keys sealed."""

    tenant_id: str
    chat_id: int
    sealed_bot_token: str
    sealed_keys: str
    """`{"admin": ..., "operator": ...}` sealed (`SecretBox.open_credentials`)."""
    language: BotLanguage
    allowed_user_ids: tuple[int, ...]
    created_at: datetime
    updated_at: datetime


def keys_label(chat_id: int) -> str:
    """The label of the API keys minted for a group: `operator-bot <chat_id>`."""
    return f"operator-bot {chat_id}"


def _group(row: Any) -> OperatorGroup:
    return OperatorGroup(
        tenant_id=row["tenant_id"],
        chat_id=row["chat_id"],
        sealed_bot_token=row["sealed_bot_token"],
        sealed_keys=row["sealed_keys"],
        language=row["language"],
        allowed_user_ids=tuple(row["allowed_user_ids"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _topic(row: Any) -> TopicBinding:
    return TopicBinding(
        thread_id=row["thread_id"],
        connection_id=row["connection_id"],
        external_id=row["external_id"],
        bound_at=row["bound_at"],
    )


async def upsert_group(
    conn: Conn,
    *,
    tenant_id: str,
    chat_id: int,
    sealed_bot_token: str,
    sealed_keys: str,
    language: BotLanguage,
    allowed_user_ids: tuple[int, ...],
) -> tuple[OperatorGroup, bool]:
    """Store the group; the group as stored and whether it is new."""
    row = await conn.fetchrow(
        UPSERT_OPERATOR_GROUP,
        tenant_id,
        chat_id,
        sealed_bot_token,
        sealed_keys,
        language,
        list(allowed_user_ids),
    )
    assert row is not None
    return _group(row), bool(row["created"])


async def get_group(pool: Pool | Conn, tenant_id: str, chat_id: int) -> OperatorGroup | None:
    row = await pool.fetchrow(SELECT_OPERATOR_GROUP, tenant_id, chat_id)
    return _group(row) if row else None


async def list_groups(pool: Pool | Conn, tenant_id: str) -> list[OperatorGroup]:
    return [_group(row) for row in await pool.fetch(SELECT_OPERATOR_GROUPS, tenant_id)]


async def delete_group(conn: Conn, tenant_id: str, chat_id: int) -> OperatorGroup | None:
    """Remove the group and its topics; the group as it was (`updated_at`: now)."""
    row = await conn.fetchrow(DELETE_OPERATOR_GROUP, tenant_id, chat_id)
    return _group(row) if row else None


async def revoke_group_keys(
    conn: Conn, tenant_id: str, chat_id: int, keep: tuple[uuid.UUID, ...] = ()
) -> None:
    """Revoke every live key minted for the group but those in `keep`."""
    await conn.execute(REVOKE_OPERATOR_GROUP_KEYS, tenant_id, keys_label(chat_id), list(keep))


async def bind_topic(
    conn: Conn, tenant_id: str, chat_id: int, thread_id: int, connection_id: str, external_id: str
) -> tuple[TopicBinding, bool]:
    """Bind (or bind again) a topic; the binding as stored and whether it is new."""
    row = await conn.fetchrow(
        UPSERT_OPERATOR_GROUP_TOPIC, tenant_id, chat_id, thread_id, connection_id, external_id
    )
    assert row is not None
    return _topic(row), bool(row["created"])


async def unbind_topic(
    conn: Conn, tenant_id: str, chat_id: int, thread_id: int
) -> TopicBinding | None:
    """Remove a topic's binding; the binding as it was (`bound_at`: now)."""
    row = await conn.fetchrow(DELETE_OPERATOR_GROUP_TOPIC, tenant_id, chat_id, thread_id)
    return _topic(row) if row else None


async def list_topics(pool: Pool | Conn, tenant_id: str, chat_id: int) -> list[TopicBinding]:
    rows = await pool.fetch(SELECT_OPERATOR_GROUP_TOPICS, tenant_id, chat_id)
    return [_topic(row) for row in rows]
