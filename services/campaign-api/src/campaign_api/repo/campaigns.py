"""Campaigns, the requests that made them, and their counters."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeAlias
from uuid import UUID

from ..domain.model import CampaignRecord, Counters, FailureReason, PlannedCampaign, Waiting
from . import Conn, Pool, sql

SELECT_CAMPAIGN_REQUEST = sql("select_campaign_request")
INSERT_CAMPAIGN_REQUEST = sql("insert_campaign_request")
INSERT_CAMPAIGN = sql("insert_campaign")
SELECT_CAMPAIGN = sql("select_campaign")
SELECT_CAMPAIGNS_BY_IDS = sql("select_campaigns_by_ids")
SELECT_CAMPAIGNS_PAGE = sql("select_campaigns_page")
SELECT_CAMPAIGN_COUNTERS = sql("select_campaign_counters")
SELECT_FAILURE_REASONS = sql("select_failure_reasons")
SELECT_CAMPAIGN_SHAPE = sql("select_campaign_shape")
UPDATE_CAMPAIGN_AUDIENCE = sql("update_campaign_audience")
UPDATE_CAMPAIGN_STARTED = sql("update_campaign_started")
UPDATE_CAMPAIGN_FINISHED = sql("update_campaign_finished")
UPDATE_CAMPAIGN_CANCEL_REQUESTED = sql("update_campaign_cancel_requested")
SELECT_MONTH_COMMITMENT = sql("select_month_commitment")
CLAIM_SENDING_IDS = sql("claim_sending_ids")
SELECT_CAMPAIGN_COMPOSITIONS = sql("select_campaign_compositions")
SELECT_CAMPAIGN_WAITING = sql("select_campaign_waiting")
UPDATE_CAMPAIGN_PAUSED = sql("update_campaign_paused")
UPDATE_CAMPAIGN_RESUMED = sql("update_campaign_resumed")

CompositionCount: TypeAlias = tuple[str, str | None, int]
"""(composition, fallback reason or None, deliveries)."""


def _record(row: Any) -> CampaignRecord:
    return CampaignRecord(
        id=row["id"],
        tenant_id=row["tenant_id"],
        request_id=row["request_id"],
        requested_by=row["requested_by"],
        name=row["name"],
        connection_id=row["connection_id"],
        channel=row["channel"],
        audience=row["audience"],
        content=row["content"],
        steps=row["steps"],
        interval_seconds=row["interval_seconds"],
        start_at=row["start_at"],
        counts_toward_quota=row["counts_toward_quota"],
        status=row["status"],
        audience_size=row["audience_size"],
        unknown_count=row["unknown_count"],
        unknown_external_ids=row["unknown_external_ids"],
        created_at=row["created_at"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        cancel_requested_at=row["cancel_requested_at"],
        sending_id=row["sending_id"],
        estimated_audience=row["estimated_audience"],
        started_by=row["started_by"],
        resend_of=row["resend_of"],
        paused_at=row["paused_at"],
        pause=row["pause"],
    )


async def accepted_request(
    pool: Pool | Conn, tenant_id: str, request_id: str
) -> tuple[str, list[UUID]] | None:
    """The fingerprint and campaign ids of an already accepted request."""
    row = await pool.fetchrow(SELECT_CAMPAIGN_REQUEST, tenant_id, request_id)
    return (row["fingerprint"], list(row["campaign_ids"])) if row else None


async def insert_campaigns(
    conn: Conn,
    *,
    request_id: str,
    fingerprint: str,
    requested_by: str | None,
    started_by: str,
    audiences: Sequence[dict[str, Any]],
    content: dict[str, Any],
    planned: list[PlannedCampaign],
    resend_of: UUID | None = None,
) -> bool:
    """Store an accepted request and its campaigns, `audiences` holding each
    campaign's audience; False if the request was stored meanwhile by someone
    else (the caller then answers with theirs)."""
    tenant_id = planned[0].tenant_id
    inserted = await conn.fetchval(
        INSERT_CAMPAIGN_REQUEST, tenant_id, request_id, fingerprint, [p.id for p in planned]
    )
    if inserted is None:
        return False
    last: int = await conn.fetchval(CLAIM_SENDING_IDS, tenant_id, len(planned))
    first = last - len(planned) + 1
    await conn.executemany(
        INSERT_CAMPAIGN,
        [
            (
                p.id,
                p.tenant_id,
                request_id,
                requested_by,
                p.name,
                p.connection_id,
                p.channel,
                audiences[n],
                content,
                [step.model_dump(mode="json") for step in p.steps],
                p.interval_seconds,
                p.start_at,
                p.counts_toward_quota,
                p.estimated_audience,
                first + n,
                started_by,
                resend_of,
            )
            for n, p in enumerate(planned)
        ],
    )
    return True


async def _with_counters(pool: Pool | Conn, records: list[CampaignRecord]) -> list[CampaignRecord]:
    if not records:
        return records
    counts: dict[UUID, dict[str, int]] = defaultdict(dict)
    for row in await pool.fetch(SELECT_CAMPAIGN_COUNTERS, [r.id for r in records]):
        counts[row["campaign_id"]][row["status"]] = row["n"]
    for record in records:
        record.counters = Counters(**counts.get(record.id, {}))
    return records


async def get_campaign(
    pool: Pool | Conn, tenant_id: str, campaign_id: UUID
) -> CampaignRecord | None:
    row = await pool.fetchrow(SELECT_CAMPAIGN, tenant_id, campaign_id)
    if row is None:
        return None
    return (await _with_counters(pool, [_record(row)]))[0]


async def get_campaigns(pool: Pool | Conn, tenant_id: str, ids: list[UUID]) -> list[CampaignRecord]:
    rows = await pool.fetch(SELECT_CAMPAIGNS_BY_IDS, tenant_id, ids)
    return await _with_counters(pool, [_record(row) for row in rows])


async def list_campaigns(
    pool: Pool,
    tenant_id: str,
    *,
    status: str | None,
    connection_id: str | None,
    before: tuple[datetime, UUID] | None,
    limit: int,
    sending_id: int | None = None,
    external_id: str | None = None,
) -> list[CampaignRecord]:
    """A page of campaigns, newest first; `external_id` (with `connection_id`): only
    those that include that person, by their deliveries or by the list they name."""
    rows = await pool.fetch(
        SELECT_CAMPAIGNS_PAGE,
        tenant_id,
        status,
        connection_id,
        before[0] if before else None,
        before[1] if before else None,
        limit,
        sending_id,
        external_id,
    )
    return await _with_counters(pool, [_record(row) for row in rows])


async def waiting(pool: Pool, campaign_id: UUID) -> Waiting:
    row = await pool.fetchrow(SELECT_CAMPAIGN_WAITING, campaign_id)
    assert row is not None  # an aggregate always answers one row
    return Waiting(count=row["n"], until=row["until"], reason=row["reason"])


async def failure_reasons(pool: Pool, campaign_id: UUID) -> list[FailureReason]:
    return [
        FailureReason(
            status=row["status"],
            error_code=row["error_code"],
            error_reason=row["error_reason"],
            count=row["n"],
        )
        for row in await pool.fetch(SELECT_FAILURE_REASONS, campaign_id)
    ]


async def compositions(pool: Pool, campaign_id: UUID) -> list[CompositionCount]:
    """The campaign's finished deliveries by where their text came from (and, for
    the fallback text, why)."""
    return [
        (row["composition"], row["fallback_reason"], row["n"])
        for row in await pool.fetch(SELECT_CAMPAIGN_COMPOSITIONS, campaign_id)
    ]


async def step_count(pool: Pool | Conn, campaign_id: UUID) -> int | None:
    row = await pool.fetchrow(SELECT_CAMPAIGN_SHAPE, campaign_id)
    return int(row["step_count"]) if row else None


async def set_audience(
    pool: Pool | Conn, campaign_id: UUID, size: int, unknown_count: int, unknown_ids: list[str]
) -> None:
    await pool.execute(UPDATE_CAMPAIGN_AUDIENCE, campaign_id, size, unknown_count, unknown_ids)


async def mark_started(
    pool: Pool | Conn, campaign_id: UUID, at: datetime, audience_size: int
) -> None:
    await pool.execute(UPDATE_CAMPAIGN_STARTED, campaign_id, at, audience_size)


async def mark_finished(
    pool: Pool | Conn, campaign_id: UUID, status: str, at: datetime, audience_size: int
) -> None:
    await pool.execute(UPDATE_CAMPAIGN_FINISHED, campaign_id, status, at, audience_size)


async def mark_paused(
    pool: Pool | Conn, campaign_id: UUID, at: datetime, pause: dict[str, object]
) -> None:
    """The campaign was paused at `at`, for `pause` (unless a later change is known)."""
    await pool.execute(UPDATE_CAMPAIGN_PAUSED, campaign_id, at, pause)


async def mark_resumed(pool: Pool | Conn, campaign_id: UUID, at: datetime) -> None:
    """The campaign was resumed at `at` (unless a later change is known)."""
    await pool.execute(UPDATE_CAMPAIGN_RESUMED, campaign_id, at)


async def request_cancel(conn: Conn, tenant_id: str, campaign_id: UUID) -> datetime | None:
    """When the cancel was (first) asked for; None if the campaign already finished."""
    value: datetime | None = await conn.fetchval(
        UPDATE_CAMPAIGN_CANCEL_REQUESTED, tenant_id, campaign_id
    )
    return value


async def month_commitment(
    pool: Pool | Conn, tenant_id: str, start: datetime, end: datetime
) -> int:
    """Messages the tenant's campaigns starting in [start, end) sent or will send."""
    return int(await pool.fetchval(SELECT_MONTH_COMMITMENT, tenant_id, start, end))
