"""The dispatcher's tables: connections, the inbox of job batches, leases (which
process sends for a connection), claims, cancelled campaigns, pauses, and what
people wrote to the connections (inbound contacts)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias
from uuid import UUID

from contracts.dispatch import DeliveryResult, DispatchJob
from contracts.optout import OptCommand
from contracts.tenants import ConnectionLimits, ConnectionUpdatedV1
from service_kit.logs import get_logger
from service_kit.sealing import SealedColumn
from service_kit.secrets import SecretBox, SecretUnreadable
from service_kit.sql import sql_loader

from .limits import resolve_limits
from .model import ConnectionConfig, InboundContact

if TYPE_CHECKING:
    import asyncpg

Pool: TypeAlias = "asyncpg.Pool[Any]"
PoolSource: TypeAlias = Callable[[], Pool]
"""The service's pool, once it is open (policies are built before it opens)."""

log = get_logger(__name__)

sql = sql_loader(Path(__file__).resolve().parent / "sql")
UPSERT_CONNECTION = sql("upsert_connection")
SELECT_CONNECTIONS = sql("select_connections")
CREDENTIALS = SealedColumn(
    select_clear=sql("select_legacy_credentials"),
    seal_clear=sql("update_legacy_credentials_sealed"),
    select_sealed=sql("select_sealed_credentials"),
    reseal=sql("update_sealed_credentials"),
)
"""Where the connections' credentials are kept sealed (`service_kit.sealing`)."""
SELECT_EXISTING_DELIVERIES = sql("select_existing_deliveries")
RECORD_AND_CLAIM = sql("record_and_claim")
UNCLAIM_DELIVERY = sql("unclaim_delivery")
INSERT_INBOX_BATCH = sql("insert_inbox_batch")
SELECT_NEXT_INBOX_BATCH = sql("select_next_inbox_batch")
DELETE_INBOX_BATCH = sql("delete_inbox_batch")
SELECT_INBOX_CONNECTIONS = sql("select_inbox_connections")
INSERT_CONNECTION_LEASES = sql("insert_connection_leases")
RENEW_CONNECTION_LEASES = sql("renew_connection_leases")
RELEASE_CONNECTION_LEASES = sql("release_connection_leases")
UPDATE_LEASE_RATE_LIMIT = sql("update_lease_rate_limit")
INSERT_CANCELLED_CAMPAIGN = sql("insert_cancelled_campaign")
SELECT_CANCELLED_CAMPAIGNS = sql("select_cancelled_campaigns")
UPSERT_PAUSED_CAMPAIGN = sql("upsert_paused_campaign")
SELECT_PAUSED_CAMPAIGNS = sql("select_paused_campaigns")
UPSERT_CONNECTION_PAUSE = sql("upsert_connection_pause")
SELECT_CONNECTION_PAUSE = sql("select_connection_pause")
DELETE_CONNECTION_PAUSE = sql("delete_connection_pause")
DELETE_CREDENTIALS_PAUSE = sql("delete_credentials_pause")
UPSERT_INBOUND_CONTACT = sql("upsert_inbound_contact")
SELECT_INBOUND_CONTACT = sql("select_inbound_contact")

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


Key = tuple[UUID, int, int]


def key_of(job: DispatchJob | DeliveryResult) -> Key:
    return (job.campaign_id, job.recipient_no, job.step_no)


@dataclass(frozen=True)
class Seen:
    """A job this dispatcher has a row for: `sending` (a call was in progress
    when the process that made it stopped), `claimed` (waiting for another
    attempt after the platform refused it for its rate: never delivered), or
    final (`result`: already decided, report it again)."""

    status: str
    result: DeliveryResult | None


def _config(row: Any, box: SecretBox) -> ConnectionConfig | None:
    """The connection with its credentials opened, in memory; None (logged) when
    none of the keys opens them."""
    try:
        credentials = box.open_credentials(row["sealed_credentials"] or "")
    except SecretUnreadable as error:
        log.error(
            f"connection not served: {error}",
            tenant_id=row["tenant_id"],
            connection_id=row["connection_id"],
        )
        return None
    return ConnectionConfig(
        tenant_id=row["tenant_id"],
        connection_id=row["connection_id"],
        channel=row["channel"],
        limits=resolve_limits(row["channel"], ConnectionLimits.model_validate(row["limits"])),
        first_used_at=row["first_used_at"],
        updated_at=row["updated_at"],
        credentials=credentials,
        deleted=row["deleted"],
    )


async def upsert_connection(pool: Pool, event: ConnectionUpdatedV1, box: SecretBox) -> None:
    """Stores the connection with its credentials sealed as they came; those an
    earlier publisher sent in clear are sealed here."""
    sealed = event.sealed_credentials or box.seal_credentials(event.credentials)
    await pool.execute(
        UPSERT_CONNECTION,
        event.tenant_id,
        event.connection_id,
        event.channel,
        sealed,
        event.limits.model_dump(exclude_none=True),
        event.first_used_at,
        event.deleted,
        event.updated_at,
    )


async def connections_changed_since(
    pool: Pool,
    channels: list[str],
    since: datetime,
    box: SecretBox,
    known: Mapping[tuple[str, str], datetime] | None = None,
) -> tuple[list[ConnectionConfig], datetime]:
    """Those whose row changed after `since` (the database's clock) and whose
    `updated_at` is not the one `known` holds for them (but any whose credentials
    cannot be opened), and the latest change read (`since` if none)."""
    rows = await pool.fetch(SELECT_CONNECTIONS, channels, since)
    latest = max((row["changed_at"] for row in rows), default=since)
    known = known or {}
    fresh = [r for r in rows if known.get((r["tenant_id"], r["connection_id"])) != r["updated_at"]]
    return [config for row in fresh if (config := _config(row, box)) is not None], latest


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


@dataclass(frozen=True)
class Written:
    recorded: set[Key]
    """Outcomes recorded now (not those already final)."""
    claimed: dict[Key, int]
    """Deliveries now `sending`, ours to send, with their attempt number."""


async def record_and_claim(
    pool: Pool, key: tuple[str, str], results: list[DeliveryResult], jobs: list[DispatchJob]
) -> Written:
    """Record outcomes and claim deliveries about to be sent, in one statement."""
    rows = await pool.fetch(
        RECORD_AND_CLAIM,
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
        [j.campaign_id for j in jobs],
        [j.recipient_no for j in jobs],
        [j.step_no for j in jobs],
        [j.composition for j in jobs],
        [r.fallback_reason for r in results],
        [j.fallback_reason for j in jobs],
    )
    written = Written(recorded=set(), claimed={})
    for row in rows:
        found = (row["campaign_id"], row["recipient_no"], row["step_no"])
        if row["claim"]:
            written.claimed[found] = row["attempts"]
        else:
            written.recorded.add(found)
    return written


async def unclaim(pool: Pool, job: DispatchJob) -> None:
    await pool.execute(UNCLAIM_DELIVERY, job.campaign_id, job.recipient_no, job.step_no)


async def add_cancelled(pool: Pool, campaign_id: UUID, at: datetime) -> None:
    await pool.execute(INSERT_CANCELLED_CAMPAIGN, campaign_id, at)


async def cancelled_campaigns(pool: Pool) -> set[UUID]:
    return {row["campaign_id"] for row in await pool.fetch(SELECT_CANCELLED_CAMPAIGNS)}


async def set_campaign_paused(pool: Pool, campaign_id: UUID, paused: bool, at: datetime) -> None:
    """The campaign paused or resumed at `at` (ignored if a later change is known)."""
    await pool.execute(UPSERT_PAUSED_CAMPAIGN, campaign_id, paused, at)


async def paused_campaigns(pool: Pool) -> set[UUID]:
    return {row["campaign_id"] for row in await pool.fetch(SELECT_PAUSED_CAMPAIGNS)}


async def pause(
    pool: Pool,
    key: tuple[str, str],
    until: datetime,
    reason: str,
    credentials: str,
    *,
    bad_credentials: bool = False,
) -> None:
    """Pause the connection while it keeps `credentials` (a digest); with
    `bad_credentials`, a successful check of them lifts it too."""
    await pool.execute(
        UPSERT_CONNECTION_PAUSE, key[0], key[1], until, reason, credentials, bad_credentials
    )


async def current_pause(
    pool: Pool, key: tuple[str, str], credentials: str
) -> tuple[datetime, str] | None:
    """The pause that holds for the connection with these credentials (a digest)."""
    row = await pool.fetchrow(SELECT_CONNECTION_PAUSE, key[0], key[1], credentials)
    return (row["paused_until"], row["reason"]) if row else None


async def lift_pauses_of_other_credentials(
    pool: Pool, key: tuple[str, str], credentials: str
) -> None:
    await pool.execute(DELETE_CONNECTION_PAUSE, key[0], key[1], credentials)


async def lift_credentials_pause(pool: Pool, key: tuple[str, str], credentials: str) -> str | None:
    """The platform accepted these credentials (a digest): lift a pause made because
    it refused them; answers that pause's reason (None: there was none)."""
    reason: str | None = await pool.fetchval(DELETE_CREDENTIALS_PAUSE, key[0], key[1], credentials)
    return reason


# the inbox


@dataclass(frozen=True)
class InboxBatch:
    seq: int
    digest: str
    request: str | None
    """The `dispatch.send.v1` message as it arrived (JSON); None when the sender
    said it holds it parsed."""


async def store_batch(
    pool: Pool, key: tuple[str, str], digest: str, request: str, jobs: int
) -> None:
    await pool.execute(INSERT_INBOX_BATCH, key[0], key[1], digest, request, jobs)


async def next_batch(
    pool: Pool, key: tuple[str, str], taken: list[int], parsed: list[str]
) -> InboxBatch | None:
    """The connection's oldest batch not `taken`; without its message if its digest
    is one of `parsed`."""
    row = await pool.fetchrow(SELECT_NEXT_INBOX_BATCH, key[0], key[1], taken, parsed)
    if row is None:
        return None
    return InboxBatch(seq=row["seq"], digest=row["digest"], request=row["request"])


async def delete_batch(pool: Pool, seq: int) -> None:
    await pool.execute(DELETE_INBOX_BATCH, seq)


async def connections_with_batches(pool: Pool) -> set[tuple[str, str]]:
    return {
        (r["tenant_id"], r["connection_id"]) for r in await pool.fetch(SELECT_INBOX_CONNECTIONS)
    }


# leases


@dataclass(frozen=True)
class Lease:
    """A lease held now, and what the connection left when it was taken."""

    key: tuple[str, str]
    previous_holder: UUID | None
    previous_expires_at: datetime
    last_send_at: datetime | None
    rate_limited_until: datetime | None


@dataclass(frozen=True)
class LeftBehind:
    """What a holder records for its successor: when it last sent, until when it
    must wait."""

    last_send_at: datetime | None
    rate_limited_until: datetime | None


async def add_leases(pool: Pool, keys: list[tuple[str, str]]) -> None:
    await pool.execute(INSERT_CONNECTION_LEASES, [k[0] for k in keys], [k[1] for k in keys])


async def renew_leases(
    pool: Pool,
    holder: UUID,
    seconds: float,
    wanted: dict[tuple[str, str], LeftBehind | None],
) -> dict[tuple[str, str], Lease]:
    keys = list(wanted)
    left = [wanted[k] for k in keys]
    rows = await pool.fetch(
        RENEW_CONNECTION_LEASES,
        [k[0] for k in keys],
        [k[1] for k in keys],
        holder,
        seconds,
        [None if w is None else w.last_send_at for w in left],
        [None if w is None else w.rate_limited_until for w in left],
    )
    return {
        (r["tenant_id"], r["connection_id"]): Lease(
            key=(r["tenant_id"], r["connection_id"]),
            previous_holder=r["previous_holder"],
            previous_expires_at=r["previous_expires_at"],
            last_send_at=r["last_send_at"],
            rate_limited_until=r["rate_limited_until"],
        )
        for r in rows
    }


async def release_leases(pool: Pool, holder: UUID, left: dict[tuple[str, str], LeftBehind]) -> None:
    keys = list(left)
    await pool.execute(
        RELEASE_CONNECTION_LEASES,
        [k[0] for k in keys],
        [k[1] for k in keys],
        holder,
        [left[k].last_send_at for k in keys],
        [left[k].rate_limited_until for k in keys],
    )


async def hold_rate_limit(pool: Pool, key: tuple[str, str], holder: UUID, until: datetime) -> None:
    await pool.execute(UPDATE_LEASE_RATE_LIMIT, key[0], key[1], holder, until)


async def record_inbound(
    pool: Pool,
    key: tuple[str, str],
    external_id: str,
    at: datetime,
    *,
    command: OptCommand | None,
) -> None:
    """A person wrote to a connection this dispatcher serves (others are ignored);
    a `stop` or `start` reply counts unless a later one is already recorded."""
    await pool.execute(UPSERT_INBOUND_CONTACT, key[0], key[1], external_id, at, command)


async def inbound_contact(
    pool: Pool, key: tuple[str, str], external_id: str
) -> InboundContact | None:
    row = await pool.fetchrow(SELECT_INBOUND_CONTACT, key[0], key[1], external_id)
    if row is None:
        return None
    return InboundContact(last_inbound_at=row["last_inbound_at"], opted_out_at=row["opted_out_at"])
