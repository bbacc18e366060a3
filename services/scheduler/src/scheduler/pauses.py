"""Pausing and resuming a campaign: the state, and the public events
(`campaign.paused.v1`, `campaign.resumed.v1`) written to the outbox with it.

A paused campaign releases nothing (the release queries pass over it); the jobs
the dispatchers hold already come back `deferred` (`campaign.paused`) and wait
again with their original due times, their monthly usage kept, so a resume goes
on exactly where the campaign stopped."""

from __future__ import annotations

from datetime import datetime

from contracts.campaigns import CampaignPausedV1, CampaignResumedV1, FailureRate, PauseReason
from contracts.names import CAMPAIGNS_EXCHANGE, RoutingKey
from service_kit.logs import get_logger
from service_kit.outbox import OutgoingMessage

from .domain.model import CampaignRun
from .repo import Conn
from .repo import campaigns as campaigns_repo

log = get_logger(__name__)

PAUSED_CODE = "campaign.paused"
"""The code the dispatchers report a paused campaign's held-back jobs with."""


async def pause(
    conn: Conn,
    run: CampaignRun,
    reason: PauseReason,
    *,
    at: datetime | None = None,
    requested_by: str | None = None,
    failure_rate: FailureRate | None = None,
    platform_code: str | None = None,
    detail: str | None = None,
) -> list[OutgoingMessage]:
    """Pause a campaign (locked by the caller) as of `at` (a person's request time;
    None: now); its `campaign.paused.v1`, or nothing if it was paused already, has
    ended, or was resumed later than `at`."""
    paused_at = await campaigns_repo.mark_paused(conn, run.id, reason, at)
    if paused_at is None:
        return []
    log.warning("campaign paused", campaign_id=str(run.id), reason=reason, code=platform_code)
    event = CampaignPausedV1(
        campaign_id=run.id,
        tenant_id=run.tenant_id,
        connection_id=run.connection_id,
        name=run.name,
        reason=reason,
        requested_by=requested_by,
        failure_rate=failure_rate,
        platform_code=platform_code[:200] if platform_code else None,
        detail=detail[:2000] if detail else None,
        paused_at=paused_at,
    )
    message_id = f"paused-{run.id}-{paused_at.isoformat()}"
    return [OutgoingMessage(CAMPAIGNS_EXCHANGE, RoutingKey.CAMPAIGN_PAUSED, event, message_id)]


async def resume(
    conn: Conn, run: CampaignRun, resumed_at: datetime, requested_by: str | None
) -> list[OutgoingMessage]:
    """Resume a paused campaign (locked by the caller) as of `resumed_at`, the
    person's request time; its `campaign.resumed.v1`, or nothing if it was not
    paused (a pause requested before `resumed_at` that comes later is ignored)."""
    if not await campaigns_repo.mark_resumed(conn, run.id, resumed_at):
        return []
    log.info("campaign resumed", campaign_id=str(run.id))
    event = CampaignResumedV1(
        campaign_id=run.id,
        tenant_id=run.tenant_id,
        connection_id=run.connection_id,
        name=run.name,
        requested_by=requested_by,
        resumed_at=resumed_at,
    )
    message_id = f"resumed-{run.id}-{resumed_at.isoformat()}"
    return [OutgoingMessage(CAMPAIGNS_EXCHANGE, RoutingKey.CAMPAIGN_RESUMED, event, message_id)]
