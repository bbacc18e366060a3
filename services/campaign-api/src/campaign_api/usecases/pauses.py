"""Pausing and resuming a campaign: the request goes to the scheduler and every
dispatcher (`campaign.pause.v1`, `campaign.resume.v1`, from the outbox), and the
campaign shows as paused (or not) at once; the scheduler's `campaign.paused.v1`
and `campaign.resumed.v1` carry the same request time, so they change nothing
more, and of two changes the later request holds."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from contracts.base import utc_now
from contracts.names import INTERNAL_EXCHANGE, RoutingKey
from contracts.scheduling import CampaignPauseRequestedV1, CampaignResumeRequestedV1
from service_kit.outbox import OutgoingMessage, add_to_outbox

from ..domain.model import FINISHED, CampaignRecord, Principal, Refusal
from ..domain.planning import check_may_change
from ..repo import campaigns as campaigns_repo
from .campaigns import campaign_of
from .services import AppServices


def _check_may_pause(record: CampaignRecord) -> None:
    sid = f"campaign {record.id} (sid{record.sending_id})"
    if record.status in FINISHED:
        raise Refusal(
            f"{sid} is already {record.status}; there is nothing to pause",
            "already_finished",
            status=409,
        )
    if record.cancel_requested_at is not None:
        raise Refusal(f"{sid} is being cancelled; there is nothing to pause", "cancelling", 409)
    if record.paused_at is not None:
        raise Refusal(
            f"{sid} is already paused; resume it with POST /v1/campaigns/{record.id}/resume",
            "already_paused",
            status=409,
        )


def _check_may_resume(record: CampaignRecord) -> None:
    sid = f"campaign {record.id} (sid{record.sending_id})"
    if record.paused_at is None or record.status in FINISHED:
        raise Refusal(
            f"{sid} is {record.status}, not paused; there is nothing to resume",
            "not_paused",
            status=409,
        )


async def pause_campaign(svc: AppServices, caller: Principal, campaign_id: UUID) -> datetime:
    """Pause the campaign: nothing more goes to the platform within a second, until
    it is resumed.  Answers when the pause was requested."""
    record = await campaign_of(svc, caller, campaign_id)
    check_may_change(caller, record)
    _check_may_pause(record)
    requested_at = utc_now()
    requested_by = f"key {caller.key_id}"
    command = CampaignPauseRequestedV1(
        campaign_id=campaign_id,
        tenant_id=record.tenant_id,
        requested_at=requested_at,
        requested_by=requested_by,
    )
    pause: dict[str, object] = {"reason": "requested", "requested_by": requested_by}
    async with svc.pool.acquire() as conn, conn.transaction():
        await campaigns_repo.mark_paused(conn, campaign_id, requested_at, pause)
        await add_to_outbox(
            conn, [OutgoingMessage(INTERNAL_EXCHANGE, RoutingKey.CAMPAIGN_PAUSE, command)]
        )
    svc.runtime.outbox.notify()
    return requested_at


async def resume_campaign(svc: AppServices, caller: Principal, campaign_id: UUID) -> datetime:
    """Resume a paused campaign: it goes on where it stopped.  Answers when the
    resume was requested."""
    record = await campaign_of(svc, caller, campaign_id)
    check_may_change(caller, record)
    _check_may_resume(record)
    requested_at = utc_now()
    command = CampaignResumeRequestedV1(
        campaign_id=campaign_id,
        tenant_id=record.tenant_id,
        requested_at=requested_at,
        requested_by=f"key {caller.key_id}",
    )
    async with svc.pool.acquire() as conn, conn.transaction():
        await campaigns_repo.mark_resumed(conn, campaign_id, requested_at)
        await add_to_outbox(
            conn, [OutgoingMessage(INTERNAL_EXCHANGE, RoutingKey.CAMPAIGN_RESUME, command)]
        )
    svc.runtime.outbox.notify()
    return requested_at
