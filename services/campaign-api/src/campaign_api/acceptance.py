"""An accepted request stored with its events in one transaction (the outbox):
what a submitted campaign request and a resend both do once they are planned."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from contracts.audience import Audience
from contracts.base import utc_now
from contracts.campaigns import CampaignAcceptedV1
from contracts.names import CAMPAIGNS_EXCHANGE, INTERNAL_EXCHANGE, RoutingKey
from contracts.scheduling import CampaignScheduledV1
from service_kit.outbox import OutgoingMessage, add_to_outbox
from service_kit.runtime import ServiceRuntime

from . import webhooks
from .domain.model import CampaignRecord, PlannedCampaign
from .repo import campaigns as campaigns_repo
from .webhooks import WebhookEvent


def accepted_event(
    request_id: str, tenant_id: str, ids: list[UUID], start_at: datetime
) -> OutgoingMessage:
    return OutgoingMessage(
        CAMPAIGNS_EXCHANGE,
        RoutingKey.CAMPAIGN_ACCEPTED,
        CampaignAcceptedV1(
            request_id=request_id,
            tenant_id=tenant_id,
            campaign_id=ids[0],
            campaign_ids=ids,
            start_at=start_at,
        ),
    )


def scheduled_event(plan: PlannedCampaign, audience: Audience, now: datetime) -> OutgoingMessage:
    return OutgoingMessage(
        INTERNAL_EXCHANGE,
        RoutingKey.CAMPAIGN_SCHEDULED,
        CampaignScheduledV1(
            campaign_id=plan.id,
            tenant_id=plan.tenant_id,
            connection_id=plan.connection_id,
            channel=plan.channel,
            name=plan.name,
            audience=audience,
            steps=list(plan.steps),
            interval_seconds=plan.interval_seconds,
            start_at=plan.start_at,
            counts_toward_quota=plan.counts_toward_quota,
            monthly_limit=plan.monthly_limit,
            auto_pause=plan.auto_pause,
            created_at=now,
            quiet_hours=plan.quiet_hours,
            timezone=plan.timezone,
        ),
        message_id=f"scheduled-{plan.id}",
    )


@dataclass(frozen=True)
class Accepted:
    """An accepted request as it is stored: its campaigns, each with its audience."""

    request_id: str
    fingerprint: str
    started_by: str
    content: dict[str, Any]
    planned: Sequence[PlannedCampaign]
    audiences: Sequence[Audience]
    """One per planned campaign, in the same order."""
    requested_by: str | None = None
    resend_of: UUID | None = None


async def store_accepted(
    runtime: ServiceRuntime, accepted: Accepted
) -> list[CampaignRecord] | None:
    """Store the campaigns with their `campaign.scheduled.v1` events and the
    request's `campaign.accepted.v1` in one transaction, and wake the outbox.
    None when the same request was stored first by someone else (the caller then
    answers with theirs)."""
    planned = list(accepted.planned)
    tenant_id = planned[0].tenant_id
    ids = [p.id for p in planned]
    now = utc_now()
    async with runtime.pool.acquire() as conn, conn.transaction():
        stored = await campaigns_repo.insert_campaigns(
            conn,
            request_id=accepted.request_id,
            fingerprint=accepted.fingerprint,
            requested_by=accepted.requested_by,
            started_by=accepted.started_by,
            audiences=[a.model_dump(mode="json") for a in accepted.audiences],
            content=accepted.content,
            planned=planned,
            resend_of=accepted.resend_of,
        )
        if stored:
            events = [
                scheduled_event(p, a, now) for p, a in zip(planned, accepted.audiences, strict=True)
            ]
            announced = accepted_event(accepted.request_id, tenant_id, ids, planned[0].start_at)
            events.append(announced)
            await add_to_outbox(conn, events)
            await webhooks.enqueue(
                conn,
                tenant_id,
                WebhookEvent.ACCEPTED,
                ids[0],
                announced.message,
                key=f"{WebhookEvent.ACCEPTED.value}:{accepted.request_id}",
            )
    if not stored:
        return None
    runtime.outbox.notify()
    return await campaigns_repo.get_campaigns(runtime.pool, tenant_id, ids)
