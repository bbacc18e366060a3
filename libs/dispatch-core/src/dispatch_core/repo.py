"""The dispatcher's tables: connections, claims, cancelled campaigns, pauses, and
what people wrote to the connections (inbound contacts)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias
from uuid import UUID

from contracts.dispatch import DeliveryResult, DispatchJob
from contracts.tenants import ConnectionLimits, ConnectionUpdatedV1
from service_kit.sql import sql_loader

from .limits import resolve_limits
from .model import ConnectionConfig, InboundContact

if TYPE_CHECKING:
    import asyncpg

Pool: TypeAlias = "asyncpg.Pool[Any]"
PoolSource: TypeAlias = Callable[[], Pool]
"""The service's pool, once it is open (policies are built before it opens)."""

sql = sql_loader(Path(__file__).resolve().parent / "sql")
UPSERT_CONNECTION = sql("upsert_connection")
SELECT_CONNECTIONS = sql("select_connections")
SELECT_EXISTING_DELIVERIES = sql("select_existing_deliveries")
CLAIM_WAVE = sql("claim_wave")
FINISH_DELIVERIES = sql("finish_deliveries")
INSERT_CANCELLED_CAMPAIGN = sql("insert_cancelled_campaign")
SELECT_CANCELLED_CAMPAIGNS = sql("select_cancelled_campaigns")
UPSERT_CONNECTION_PAUSE = sql("upsert_connection_pause")
SELECT_CONNECTION_PAUSE = sql("select_connection_pause")
DELETE_CONNECTION_PAUSE = sql("delete_connection_pause")
UPSERT_INBOUND_CONTACT = sql("upsert_inbound_contact")
SELECT_INBOUND_CONTACT = sql("select_inbound_contact")

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


Key = tuple[UUID, int, int]


def key_of(job: DispatchJob | DeliveryResult) -> Key:
    return (job.campaign_id, job.recipient_no, job.step_no)


@dataclass(frozen=True)
class Seen:
    """A job this dispatcher has a row for: `sending` (a call was in progress
    when a process died), `claimed` (never sent), or final (`result`: already
    decided, report it again)."""

    status: str
    result: DeliveryResult | None


def _config(row: Any) -> ConnectionConfig:
    return ConnectionConfig(
        tenant_id=row["tenant_id"],
        connection_id=row["connection_id"],
        channel=row["channel"],
        limits=resolve_limits(row["channel"], ConnectionLimits.model_validate(row["limits"])),
        first_used_at=row["first_used_at"],
        updated_at=row["updated_at"],
        credentials=row["credentials"],
        deleted=row["deleted"],
    )


async def upsert_connection(pool: Pool, event: ConnectionUpdatedV1) -> None:
    await pool.execute(
        UPSERT_CONNECTION,
        event.tenant_id,
        event.connection_id,
        event.channel,
        event.credentials,
        event.limits.model_dump(exclude_none=True),
        event.first_used_at,
        event.deleted,
        event.updated_at,
    )


async def connections_changed_since(
    pool: Pool, channels: list[str], since: datetime
) -> list[ConnectionConfig]:
    return [_config(row) for row in await pool.fetch(SELECT_CONNECTIONS, channels, since)]


async def seen(pool: Pool, jobs: list[DispatchJob]) -> dict[Key, Seen]:
    """The jobs this dispatcher has met before (a redelivered batch), by key."""
    rows = await pool.fetch(
        SELECT_EXISTING_DELIVERIES,
        [j.campaign_id for j in jobs],
        [j.recipient_no for j in jobs],
        [j.step_no for j in jobs],
    )
    found = {}
    for row in rows:
        result = None
        if row["status"] in ("sent", "failed", "skipped", "cancelled", "unknown"):
            result = DeliveryResult(
                campaign_id=row["campaign_id"],
                recipient_no=row["recipient_no"],
                step_no=row["step_no"],
                status=row["status"],
                attempts=row["attempts"],
                platform_message_id=row["platform_message_id"],
                error_code=row["error_code"],
                error_reason=row["error_reason"],
                sent_at=row["sent_at"],
                finished_at=row["finished_at"],
                composition=row["composition"],
                fallback_reason=row["fallback_reason"],
            )
        found[(row["campaign_id"], row["recipient_no"], row["step_no"])] = Seen(
            status=row["status"], result=result
        )
    return found


async def claim_wave(pool: Pool, key: tuple[str, str], jobs: list[DispatchJob]) -> dict[Key, int]:
    """Claim a wave right before its calls (one statement): each delivery still
    ours to send, with its attempt number, is now `sending`."""
    rows = await pool.fetch(
        CLAIM_WAVE,
        [j.campaign_id for j in jobs],
        [j.recipient_no for j in jobs],
        [j.step_no for j in jobs],
        [j.composition for j in jobs],
        key[0],
        key[1],
        [j.fallback_reason for j in jobs],
    )
    return {(r["campaign_id"], r["recipient_no"], r["step_no"]): r["attempts"] for r in rows}


async def finish(pool: Pool, key: tuple[str, str], results: list[DeliveryResult]) -> None:
    if not results:
        return
    await pool.execute(
        FINISH_DELIVERIES,
        [r.campaign_id for r in results],
        [r.recipient_no for r in results],
        [r.step_no for r in results],
        [r.status for r in results],
        [r.attempts for r in results],
        [r.platform_message_id for r in results],
        [r.error_code for r in results],
        [r.error_reason for r in results],
        [r.composition for r in results],
        [r.sent_at for r in results],
        [r.finished_at for r in results],
        key[0],
        key[1],
        [r.fallback_reason for r in results],
    )


async def add_cancelled(pool: Pool, campaign_id: UUID, at: datetime) -> None:
    await pool.execute(INSERT_CANCELLED_CAMPAIGN, campaign_id, at)


async def cancelled_campaigns(pool: Pool) -> set[UUID]:
    return {row["campaign_id"] for row in await pool.fetch(SELECT_CANCELLED_CAMPAIGNS)}


async def pause(pool: Pool, key: tuple[str, str], until: datetime, reason: str) -> None:
    await pool.execute(UPSERT_CONNECTION_PAUSE, key[0], key[1], until, reason)


async def current_pause(pool: Pool, key: tuple[str, str]) -> tuple[datetime, str] | None:
    row = await pool.fetchrow(SELECT_CONNECTION_PAUSE, key[0], key[1])
    return (row["paused_until"], row["reason"]) if row else None


async def clear_pause(pool: Pool, key: tuple[str, str]) -> None:
    await pool.execute(DELETE_CONNECTION_PAUSE, key[0], key[1])


async def record_inbound(
    pool: Pool,
    key: tuple[str, str],
    external_id: str,
    at: datetime,
    *,
    opted_out: bool,
) -> None:
    """A person wrote to a connection this dispatcher serves (others are ignored)."""
    await pool.execute(
        UPSERT_INBOUND_CONTACT, key[0], key[1], external_id, at, at if opted_out else None
    )


async def inbound_contact(
    pool: Pool, key: tuple[str, str], external_id: str
) -> InboundContact | None:
    row = await pool.fetchrow(SELECT_INBOUND_CONTACT, key[0], key[1], external_id)
    if row is None:
        return None
    return InboundContact(last_inbound_at=row["last_inbound_at"], opted_out_at=row["opted_out_at"])
