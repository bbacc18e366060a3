"""The bot's tables (schema `operator_bot`), as the code uses them: the groups it
serves, bound topics, the updates Telegram gave it, and the sendings it started."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias
from uuid import UUID

from contracts.operator_groups import DialogTopicBoundV1, OperatorGroupLinkedV1
from service_kit.sql import sql_loader

if TYPE_CHECKING:
    import asyncpg

Pool: TypeAlias = "asyncpg.Pool[Any]"
sql = sql_loader(Path(__file__).resolve().parent / "sql")
CLAIM_FINISH_NOTICE = sql("claim_finish_notice")
CLAIM_START_NOTICE = sql("claim_start_notice")
INSERT_SENDING = sql("insert_sending")
INSERT_UPDATE = sql("insert_update")
MARK_UPDATE_HANDLED = sql("mark_update_handled")
RELEASE_FINISH_NOTICE = sql("release_finish_notice")
RELEASE_START_NOTICE = sql("release_start_notice")
SELECT_GROUPS = sql("select_groups")
SELECT_PENDING_UPDATES = sql("select_pending_updates")
SELECT_TOPIC = sql("select_topic")
SELECT_UNFINISHED_SENDING = sql("select_unfinished_sending")
UPSERT_GROUP = sql("upsert_group")
UPSERT_TOPIC = sql("upsert_topic")


@dataclass(frozen=True)
class StoredGroup:
    chat_id: int
    tenant_id: str
    sealed_bot_token: str
    sealed_keys: str
    language: str
    allowed_user_ids: frozenset[int]
    unlinked: bool


@dataclass(frozen=True)
class Topic:
    tenant_id: str
    connection_id: str
    external_id: str


@dataclass(frozen=True)
class Sending:
    """Where a sending the bot started was asked for: its notices go there."""

    tenant_id: str
    chat_id: int
    thread_id: int | None
    message_id: int


async def save_group(pool: Pool, event: OperatorGroupLinkedV1) -> bool:
    """Keep the group as announced; False when a later announcement is kept already."""
    row = await pool.fetchrow(
        UPSERT_GROUP,
        event.chat_id,
        event.tenant_id,
        event.sealed_bot_token,
        event.sealed_keys,
        event.language,
        event.allowed_user_ids,
        event.unlinked,
        event.changed_at,
    )
    return row is not None


async def groups(pool: Pool, chat_id: int | None = None) -> list[StoredGroup]:
    """Every group (or the one with `chat_id`), linked or not."""
    return [
        StoredGroup(
            chat_id=row["chat_id"],
            tenant_id=row["tenant_id"],
            sealed_bot_token=row["sealed_bot_token"],
            sealed_keys=row["sealed_keys"],
            language=row["language"],
            allowed_user_ids=frozenset(row["allowed_user_ids"]),
            unlinked=row["unlinked"],
        )
        for row in await pool.fetch(SELECT_GROUPS, chat_id)
    ]


async def save_topic(pool: Pool, event: DialogTopicBoundV1) -> None:
    await pool.execute(
        UPSERT_TOPIC,
        event.chat_id,
        event.thread_id,
        event.tenant_id,
        event.connection_id,
        event.external_id,
        event.unbound,
        event.bound_at,
    )


async def topic(pool: Pool, chat_id: int, thread_id: int) -> Topic | None:
    """The customer a topic talks with; None when it is bound to none."""
    row = await pool.fetchrow(SELECT_TOPIC, chat_id, thread_id)
    return Topic(row["tenant_id"], row["connection_id"], row["external_id"]) if row else None


async def receive_update(pool: Pool, bot_id: int, update: dict[str, Any]) -> None:
    """Keep an update before acting on it; one kept already is left as it is."""
    await pool.execute(INSERT_UPDATE, bot_id, update["update_id"], json.dumps(update))


async def pending_updates(pool: Pool, bot_id: int) -> list[dict[str, Any]]:
    """The bot's updates kept and not yet handled, oldest first."""
    rows = await pool.fetch(SELECT_PENDING_UPDATES, bot_id)
    return [json.loads(row["payload"]) for row in rows]


async def mark_handled(pool: Pool, bot_id: int, update_id: int) -> None:
    await pool.execute(MARK_UPDATE_HANDLED, bot_id, update_id)


async def record_sending(pool: Pool, campaign_id: UUID, place: Sending) -> None:
    await pool.execute(
        INSERT_SENDING,
        campaign_id,
        place.tenant_id,
        place.chat_id,
        place.thread_id,
        place.message_id,
    )


def _sending(row: Any) -> Sending:
    return Sending(row["tenant_id"], row["chat_id"], row["thread_id"], row["message_id"])


async def claim_start_notice(pool: Pool, campaign_id: UUID) -> Sending | None:
    """The sending's place if the bot started it and has not said it started."""
    row = await pool.fetchrow(CLAIM_START_NOTICE, campaign_id)
    return _sending(row) if row else None


async def unfinished_sending(pool: Pool, campaign_id: UUID) -> Sending | None:
    """The sending's place if the bot started it and has not posted its end."""
    row = await pool.fetchrow(SELECT_UNFINISHED_SENDING, campaign_id)
    return _sending(row) if row else None


async def release_start_notice(pool: Pool, campaign_id: UUID) -> None:
    """Give back the claim of a start notice that could not be posted."""
    await pool.execute(RELEASE_START_NOTICE, campaign_id)


async def claim_finish_notice(pool: Pool, campaign_id: UUID) -> Sending | None:
    """The sending's place if the bot started it and no one has claimed its end notice."""
    row = await pool.fetchrow(CLAIM_FINISH_NOTICE, campaign_id)
    return _sending(row) if row else None


async def release_finish_notice(pool: Pool, campaign_id: UUID) -> None:
    """Give back the claim of an end notice that could not be posted whole."""
    await pool.execute(RELEASE_FINISH_NOTICE, campaign_id)
