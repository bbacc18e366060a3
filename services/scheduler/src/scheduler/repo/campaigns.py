"""Campaign rows: created, snapshotted, started, released from, finished."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from contracts.base import STORED
from contracts.quiet_hours import QuietHours
from contracts.scheduling import AutoPauseThreshold, CampaignScheduledV1, CampaignStep
from contracts.tenants import TenantUpdatedV1

from ..domain.model import CampaignRun, Timing
from . import Conn, Pool, sql

UPSERT_TENANT = sql("upsert_tenant")
INSERT_CAMPAIGN = sql("insert_campaign")
CLAIM_SNAPSHOT_REQUESTS = sql("claim_snapshot_requests")
SELECT_CAMPAIGN_FOR_UPDATE = sql("select_campaign_for_update")
SELECT_CAMPAIGN_FOR_RELEASE = sql("select_campaign_for_release")
SELECT_CAMPAIGN_FOR_PACED_RELEASE = sql("select_campaign_for_paced_release")
SELECT_CAMPAIGN_FOR_CANCEL = sql("select_campaign_for_cancel")
SET_SNAPSHOT_SIZE = sql("set_snapshot_size")
SELECT_CAMPAIGNS_READY_TO_START = sql("select_campaigns_ready_to_start")
MARK_RUNNING = sql("mark_running")
SELECT_RELEASE_CANDIDATES = sql("select_release_candidates")
SELECT_TIMING = sql("select_timing")
UPDATE_AFTER_RELEASE = sql("update_after_release")
ADD_OUTCOMES = sql("add_outcomes")
MARK_FINISHED = sql("mark_finished")
MARK_CANCELLED = sql("mark_cancelled")
ADD_SKIPPED = sql("add_skipped")
INSERT_EARLY_CANCEL = sql("insert_early_cancel")
TAKE_EARLY_CANCEL = sql("take_early_cancel")
DELAY_INTERVAL_SLOTS = sql("delay_interval_slots")
UPDATE_SLOT_AFTER_PUBLISH = sql("update_slot_after_publish")
HOLD_CAMPAIGN = sql("hold_campaign")
MARK_PAUSED = sql("mark_paused")
MARK_RESUMED = sql("mark_resumed")
UPDATE_RECENT_ATTEMPTS = sql("update_recent_attempts")
SELECT_RUNNING_CAMPAIGNS_OF_CONNECTION = sql("select_running_campaigns_of_connection")


def _run(row: Any) -> CampaignRun:
    return CampaignRun(
        id=row["id"],
        tenant_id=row["tenant_id"],
        connection_id=row["connection_id"],
        channel=row["channel"],
        name=row["name"],
        steps=tuple(CampaignStep.model_validate(s, context=STORED) for s in row["steps"]),
        interval_seconds=row["interval_seconds"],
        start_at=row["start_at"],
        counts_toward_quota=row["counts_toward_quota"],
        status=row["status"],
        audience_size=row["audience_size"],
        batch_count=row["batch_count"],
        batches_received=row["batches_received"],
        recipients_loaded=row["recipients_loaded"],
        recipients_done=row["recipients_done"],
        outstanding=row["outstanding"],
        next_slot_at=row["next_slot_at"],
        sent=row["sent"],
        failed=row["failed"],
        skipped=row["skipped"],
        cancelled=row["cancelled"],
        unknown=row["unknown"],
        final_event_at=row["final_event_at"],
        now=row["now"],
        monthly_limit=row["monthly_limit"],
        snapshot_requested=row["snapshot_requested"],
        held_until=row["held_until"],
        quiet_hours=_quiet_hours(row),
        default_timezone=row["default_timezone"],
        paused_at=row["paused_at"],
        auto_pause=_auto_pause(row["auto_pause_ratio"], row["auto_pause_window"]),
        recent_attempts=row["recent_attempts"],
    )


def _quiet_hours(row: Any) -> QuietHours | None:
    if row["quiet_start"] is None or row["quiet_end"] is None:
        return None
    return QuietHours.model_validate(
        {"start": row["quiet_start"], "end": row["quiet_end"]}, context=STORED
    )


def _auto_pause(ratio: float | None, window: int | None) -> AutoPauseThreshold | None:
    if ratio is None or window is None:
        return None
    return AutoPauseThreshold(failure_ratio=ratio, window=window)


async def upsert_tenant(pool: Pool, event: TenantUpdatedV1) -> None:
    await pool.execute(
        UPSERT_TENANT,
        event.tenant_id,
        event.monthly_limit,
        event.subscription_ends_at,
        event.updated_at,
    )


async def insert_campaign(conn: Conn, event: CampaignScheduledV1) -> bool:
    status = await conn.execute(
        INSERT_CAMPAIGN,
        event.campaign_id,
        event.tenant_id,
        event.connection_id,
        event.channel,
        event.name,
        event.audience.model_dump(mode="json"),
        [step.model_dump(mode="json") for step in event.steps],
        len(event.steps),
        [step.delay_seconds for step in event.steps],
        event.interval_seconds,
        event.start_at,
        event.counts_toward_quota,
        event.monthly_limit,
        event.quiet_hours.start if event.quiet_hours else None,
        event.quiet_hours.end if event.quiet_hours else None,
        event.timezone,
        event.auto_pause.failure_ratio if event.auto_pause else None,
        event.auto_pause.window if event.auto_pause else None,
    )
    return bool(status.endswith(" 1"))


async def claim_snapshot_requests(conn: Conn, lead_seconds: float) -> list[dict[str, Any]]:
    """Campaigns whose launch is due: marked as snapshotting, returned to be requested."""
    return [dict(row) for row in await conn.fetch(CLAIM_SNAPSHOT_REQUESTS, lead_seconds)]


# How the campaign row is locked (PostgreSQL row locks), so that releasing and
# applying outcomes go on at the same time while a cancel waits for both:
#
#   releasing, no interval   FOR KEY SHARE      shared with other releases and with
#                                                 handlers; blocks only a cancel
#   releasing, an interval   FOR NO KEY UPDATE  one release per slot, replicas skip
#   handlers (outcomes ...)  FOR NO KEY UPDATE  one at a time, beside releases
#   cancel                   FOR UPDATE         waits for every release and handler,
#                                                 so nothing is released after it
#
# A release writes the row (after_release) only at its end, when it waits for a
# handler's short transaction; it never waits for anything else, so no deadlock.


async def lock(conn: Conn, campaign_id: UUID) -> CampaignRun | None:
    row = await conn.fetchrow(SELECT_CAMPAIGN_FOR_UPDATE, campaign_id)
    return _run(row) if row else None


async def lock_for_cancel(conn: Conn, campaign_id: UUID) -> CampaignRun | None:
    """The campaign, once no release or handler is busy with it."""
    row = await conn.fetchrow(SELECT_CAMPAIGN_FOR_CANCEL, campaign_id)
    return _run(row) if row else None


async def lock_for_release(conn: Conn, campaign_id: UUID, *, paced: bool) -> CampaignRun | None:
    """The running campaign, unless it is being cancelled (or, `paced`: it has an
    interval and another scheduler is releasing from it now)."""
    query = SELECT_CAMPAIGN_FOR_PACED_RELEASE if paced else SELECT_CAMPAIGN_FOR_RELEASE
    row = await conn.fetchrow(query, campaign_id)
    if row is not None and (row["interval_seconds"] > 0) != paced:
        return None  # the interval changed under the caller: it looks again
    return _run(row) if row else None


async def set_snapshot_size(conn: Conn, campaign_id: UUID, size: int, batches: int) -> None:
    await conn.execute(SET_SNAPSHOT_SIZE, campaign_id, size, batches)


async def ready_to_start(pool: Pool) -> list[UUID]:
    return [row["id"] for row in await pool.fetch(SELECT_CAMPAIGNS_READY_TO_START)]


async def mark_running(conn: Conn, campaign_id: UUID) -> tuple[datetime, CampaignRun] | None:
    """Start the campaign if it waits to start: when it started, and the campaign,
    its row held as `lock` holds it.  None: it was not waiting to start."""
    row = await conn.fetchrow(MARK_RUNNING, campaign_id)
    return (row["started_at"], _run(row)) if row else None


@dataclass(frozen=True)
class Candidate:
    """A running campaign with waiting recipients."""

    campaign_id: UUID
    paced: bool
    """It has an interval."""
    wait_seconds: float
    """Until its next recipient is due (and its slot, if paced)."""
    held_until: datetime | None


async def release_candidates(pool: Pool) -> list[Candidate]:
    return [
        Candidate(
            row["id"], row["interval_seconds"] > 0, float(row["wait_seconds"]), row["held_until"]
        )
        for row in await pool.fetch(SELECT_RELEASE_CANDIDATES)
    ]


async def timing(pool: Pool, snapshot_lead_seconds: float) -> Timing:
    row = await pool.fetchrow(SELECT_TIMING, snapshot_lead_seconds)
    assert row is not None

    def seconds(value: Any) -> float | None:
        return float(value) if value is not None else None

    return Timing(snapshot_in=seconds(row["snapshot_in"]), start_in=seconds(row["start_in"]))


async def after_release(
    conn: Conn, campaign_id: UUID, released: int, next_slot_at: datetime | None
) -> None:
    await conn.execute(UPDATE_AFTER_RELEASE, campaign_id, released, next_slot_at)


async def slot_after_publish(conn: Conn, campaign_id: UUID) -> None:
    """The next slot of an interval campaign: one interval after its last jobs
    were confirmed by the broker (not merely committed), so a release that was
    slow to leave never shortens the gap to the next."""
    await conn.execute(UPDATE_SLOT_AFTER_PUBLISH, campaign_id)


async def hold(conn: Conn, campaign_id: UUID, until: datetime, reason: str | None) -> None:
    """Release nothing of the campaign before `until` (a rate's next allowance)."""
    await conn.execute(HOLD_CAMPAIGN, campaign_id, until, reason)


async def add_outcomes(
    conn: Conn,
    campaign_id: UUID,
    *,
    sent: int,
    failed: int,
    skipped: int,
    cancelled: int,
    unknown: int,
    done: int,
    settled: int,
) -> None:
    await conn.execute(
        ADD_OUTCOMES, campaign_id, sent, failed, skipped, cancelled, unknown, done, settled
    )


async def mark_finished(conn: Conn, campaign_id: UUID, status: str, cancelled: int) -> datetime:
    value: datetime = await conn.fetchval(MARK_FINISHED, campaign_id, status, cancelled)
    return value


async def mark_cancelled(conn: Conn, campaign_id: UUID, requested_at: datetime) -> bool:
    return await conn.fetchval(MARK_CANCELLED, campaign_id, requested_at) is not None


async def add_skipped(conn: Conn, campaign_id: UUID, deliveries: int, recipients: int) -> None:
    await conn.execute(ADD_SKIPPED, campaign_id, deliveries, recipients)


async def remember_early_cancel(
    conn: Conn, campaign_id: UUID, tenant_id: str, requested_at: datetime
) -> None:
    """A cancel for a campaign not here yet: kept until it comes."""
    await conn.execute(INSERT_EARLY_CANCEL, campaign_id, tenant_id, requested_at)


async def take_early_cancel(conn: Conn, campaign_id: UUID) -> datetime | None:
    value: datetime | None = await conn.fetchval(TAKE_EARLY_CANCEL, campaign_id)
    return value


async def delay_interval_slots(pool: Pool) -> int:
    """Running interval campaigns: the next release at least one interval from
    now (see Releaser.start)."""
    return len(await pool.fetch(DELAY_INTERVAL_SLOTS))


async def mark_paused(
    conn: Conn, campaign_id: UUID, reason: str, at: datetime | None
) -> datetime | None:
    """Pause the campaign (locked by the caller) as of `at` (None: now); when, or
    None if it was paused already, is not running (or about to), or was resumed
    later than `at`."""
    value: datetime | None = await conn.fetchval(MARK_PAUSED, campaign_id, reason, at)
    return value


async def mark_resumed(conn: Conn, campaign_id: UUID, at: datetime) -> bool:
    """Resume the campaign as of `at`; whether it was paused."""
    return bool(await conn.fetchval(MARK_RESUMED, campaign_id, at))


async def add_recent_attempts(conn: Conn, campaign_id: UUID, attempts: str) -> str:
    """Append the campaign's latest attempts (`s`/`f`); its window of them now."""
    value: str = await conn.fetchval(UPDATE_RECENT_ATTEMPTS, campaign_id, attempts)
    return value


async def running_of_connection(conn: Conn, tenant_id: str, connection_id: str) -> list[UUID]:
    """The connection's running campaigns that are not paused."""
    rows = await conn.fetch(SELECT_RUNNING_CAMPAIGNS_OF_CONNECTION, tenant_id, connection_id)
    return [row["id"] for row in rows]
