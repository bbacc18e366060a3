"""Writing an event's deliveries, in the caller's transaction: the one way every
event source (acceptance, the handlers, pause and resume) tells the webhooks."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from contracts.base import utc_now
from pydantic import BaseModel

from ..repo import Conn
from . import store
from .events import WebhookEvent, envelope, progress_data, progress_reached


async def enqueue(
    conn: Conn,
    tenant_id: str,
    event_type: WebhookEvent,
    campaign_id: UUID | None,
    payload: dict[str, Any] | BaseModel,
    *,
    key: str | None = None,
) -> list[UUID]:
    """A delivery of the event to each of the tenant's enabled webhooks that
    subscribe to it, written on `conn` (call it inside the transaction of the
    change the event tells of, so it is lost with it or not at all).  `payload`,
    the event's `data`, may be the broker's event itself.  `key` makes the event
    once per webhook (e.g. `campaign.started:<id>`, for a redelivered event);
    without one every call is a new event.  The ids of the deliveries made."""
    data = payload.model_dump(mode="json") if isinstance(payload, BaseModel) else payload
    body = envelope(
        event_type, tenant_id=tenant_id, campaign_id=campaign_id, data=data, created_at=utc_now()
    )
    return await store.insert_deliveries(
        conn,
        tenant_id=tenant_id,
        event_type=event_type.value,
        event_key=key,
        campaign_id=campaign_id,
        payload=body,
    )


def once_per_campaign(event_type: WebhookEvent, campaign_id: UUID) -> str:
    """The key of an event a campaign has once (started, completed, cancelled)."""
    return f"{event_type.value}:{campaign_id}"


async def enqueue_progress(conn: Conn, campaign_ids: list[UUID]) -> int:
    """For each of the campaigns whose tenant has a webhook told of progress: the
    last step of its `progress_step` % the campaign reached, once per webhook and
    step (a batch that jumps several steps tells the last).  Costs one index probe
    per campaign when no webhook asks.  How many deliveries were made."""
    made = 0
    for found in await store.progress_subscriptions(conn, campaign_ids):
        percent = progress_reached(found.finished, found.total, found.progress_step)
        if percent == 0:
            continue
        body = envelope(
            WebhookEvent.PROGRESS,
            tenant_id=found.tenant_id,
            campaign_id=found.campaign_id,
            data=progress_data(found.campaign_id, percent, found.finished, found.total),
            created_at=utc_now(),
        )
        made += len(
            await store.insert_deliveries(
                conn,
                tenant_id=found.tenant_id,
                event_type=WebhookEvent.PROGRESS.value,
                event_key=f"{WebhookEvent.PROGRESS.value}:{found.campaign_id}:{percent}",
                campaign_id=found.campaign_id,
                payload=body,
                webhook_id=found.webhook_id,
            )
        )
    return made
