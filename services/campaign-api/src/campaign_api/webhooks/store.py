"""The webhooks and their deliveries in PostgreSQL: asyncpg queries returning
the types below, never Records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from service_kit.sealing import SealedColumn

from ..repo import Conn, Pool, sql
from .retries import Next

INSERT_WEBHOOK = sql("insert_webhook")
SELECT_WEBHOOKS = sql("select_webhooks")
SELECT_WEBHOOK = sql("select_webhook")
UPDATE_WEBHOOK = sql("update_webhook")
DELETE_WEBHOOK = sql("delete_webhook")
INSERT_WEBHOOK_DELIVERIES = sql("insert_webhook_deliveries")
SELECT_PROGRESS_SUBSCRIPTIONS = sql("select_progress_subscriptions")
CLAIM_WEBHOOK_DELIVERIES = sql("claim_webhook_deliveries")
CLAIM_WEBHOOK_DELIVERY = sql("claim_webhook_delivery")
UPDATE_WEBHOOK_DELIVERY_OUTCOME = sql("update_webhook_delivery_outcome")
SELECT_WEBHOOK_DELIVERIES_PAGE = sql("select_webhook_deliveries_page")
SELECT_WEBHOOK_DELIVERY = sql("select_webhook_delivery")
DELETE_ENDED_WEBHOOK_DELIVERIES = sql("delete_ended_webhook_deliveries")
COUNT_WEBHOOKS = sql("count_webhooks")

SEALED_SECRETS = SealedColumn(
    select_sealed=sql("select_sealed_webhook_secrets"),
    reseal=sql("update_sealed_webhook_secret"),
)
"""Sealed again with the newest of `SECRETS_KEYS` when the service starts."""


@dataclass(frozen=True)
class Webhook:
    id: UUID
    tenant_id: str
    url: str
    events: tuple[str, ...]
    progress_step: int
    enabled: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Change:
    """What a PATCH changes (None: kept)."""

    url: str | None = None
    events: tuple[str, ...] | None = None
    progress_step: int | None = None
    enabled: bool | None = None
    sealed_secret: str | None = None


@dataclass(frozen=True)
class DeliveryLog:
    """One row of a webhook's delivery log."""

    id: UUID
    event_type: str
    campaign_id: UUID | None
    status: str
    attempts: int
    next_attempt_at: datetime
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True)
class Claimed:
    """A due delivery, claimed for one attempt."""

    id: UUID
    webhook_id: UUID
    tenant_id: str
    url: str
    sealed_secret: str
    event_type: str
    payload: dict[str, Any]
    attempts: int
    created_at: datetime


@dataclass(frozen=True)
class ProgressSubscription:
    webhook_id: UUID
    progress_step: int
    campaign_id: UUID
    tenant_id: str
    total: int
    finished: int


def _webhook(row: Any) -> Webhook:
    return Webhook(**{**dict(row), "events": tuple(row["events"])})


async def insert_webhook(
    conn: Pool | Conn,
    *,
    tenant_id: str,
    url: str,
    events: tuple[str, ...],
    progress_step: int,
    sealed_secret: str,
    enabled: bool,
) -> Webhook:
    row = await conn.fetchrow(
        INSERT_WEBHOOK, uuid4(), tenant_id, url, list(events), progress_step, sealed_secret, enabled
    )
    return _webhook(row)


async def list_webhooks(conn: Pool | Conn, tenant_id: str) -> list[Webhook]:
    return [_webhook(row) for row in await conn.fetch(SELECT_WEBHOOKS, tenant_id)]


async def get_webhook(conn: Pool | Conn, tenant_id: str, webhook_id: UUID) -> Webhook | None:
    row = await conn.fetchrow(SELECT_WEBHOOK, tenant_id, webhook_id)
    return _webhook(row) if row else None


async def update_webhook(
    conn: Pool | Conn, tenant_id: str, webhook_id: UUID, change: Change
) -> Webhook | None:
    events = list(change.events) if change.events is not None else None
    row = await conn.fetchrow(
        UPDATE_WEBHOOK,
        tenant_id,
        webhook_id,
        change.url,
        events,
        change.progress_step,
        change.enabled,
        change.sealed_secret,
    )
    return _webhook(row) if row else None


async def delete_webhook(conn: Pool | Conn, tenant_id: str, webhook_id: UUID) -> bool:
    return await conn.fetchval(DELETE_WEBHOOK, tenant_id, webhook_id) is not None


async def insert_deliveries(
    conn: Pool | Conn,
    *,
    tenant_id: str,
    event_type: str,
    event_key: str | None,
    campaign_id: UUID | None,
    payload: dict[str, Any],
    webhook_id: UUID | None = None,
) -> list[UUID]:
    """The event's deliveries, one per subscribed webhook (or to `webhook_id`
    only), each once per `event_key`: the ids of those made now."""
    rows = await conn.fetch(
        INSERT_WEBHOOK_DELIVERIES,
        tenant_id,
        event_type,
        event_key,
        campaign_id,
        payload,
        webhook_id,
    )
    return [row["id"] for row in rows]


async def progress_subscriptions(
    conn: Pool | Conn, campaign_ids: list[UUID]
) -> list[ProgressSubscription]:
    rows = await conn.fetch(SELECT_PROGRESS_SUBSCRIPTIONS, campaign_ids)
    return [ProgressSubscription(**dict(row)) for row in rows]


async def claim_due(
    conn: Pool | Conn, now: datetime, limit: int, claim_seconds: float
) -> list[Claimed]:
    rows = await conn.fetch(CLAIM_WEBHOOK_DELIVERIES, now, limit, claim_seconds)
    return [Claimed(**dict(row)) for row in rows]


async def claim_one(
    conn: Pool | Conn, delivery_id: UUID, now: datetime, claim_seconds: float
) -> Claimed | None:
    row = await conn.fetchrow(CLAIM_WEBHOOK_DELIVERY, delivery_id, now, claim_seconds)
    return Claimed(**dict(row)) if row else None


async def record_outcome(
    conn: Pool | Conn,
    delivery_id: UUID,
    then: Next,
    *,
    at: datetime,
    status_code: int | None,
    error: str | None,
) -> None:
    await conn.execute(
        UPDATE_WEBHOOK_DELIVERY_OUTCOME,
        delivery_id,
        then.status,
        then.next_attempt_at,
        at,
        status_code,
        error,
    )


async def deliveries_page(
    conn: Pool | Conn, webhook_id: UUID, *, before: tuple[datetime, UUID] | None, limit: int
) -> list[DeliveryLog]:
    after_at, after_id = before if before else (None, None)
    rows = await conn.fetch(SELECT_WEBHOOK_DELIVERIES_PAGE, webhook_id, after_at, after_id, limit)
    return [DeliveryLog(**dict(row)) for row in rows]


async def get_delivery(conn: Pool | Conn, delivery_id: UUID) -> DeliveryLog | None:
    row = await conn.fetchrow(SELECT_WEBHOOK_DELIVERY, delivery_id)
    return DeliveryLog(**dict(row)) if row else None


async def erase_ended(conn: Pool | Conn, before: datetime, limit: int) -> int:
    """Up to `limit` deliveries that ended before `before`, erased: how many."""
    status: str = await conn.execute(DELETE_ENDED_WEBHOOK_DELIVERIES, before, limit)
    return int(status.split()[-1])


async def count_webhooks(conn: Pool | Conn, tenant_id: str) -> int:
    return int(await conn.fetchval(COUNT_WEBHOOKS, tenant_id))
