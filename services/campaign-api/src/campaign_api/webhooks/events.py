"""The events a webhook may be told of, and the body each delivery carries.

Every body is one JSON object: `id` (the event's id, also in the
`Campaigns-Event-Id` header: receivers deduplicate by it), `type`, `created_at`,
`tenant_id`, `campaign_id` (null for a rejected request that made none, and for
`webhook.test`) and `data`, what the event says (for the campaign events, the
event as it is published on the broker)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID


class WebhookEvent(StrEnum):
    ACCEPTED = "campaign.accepted"
    REJECTED = "campaign.rejected"
    STARTED = "campaign.started"
    PAUSED = "campaign.paused"
    RESUMED = "campaign.resumed"
    PROGRESS = "campaign.progress"
    COMPLETED = "campaign.completed"
    CANCELLED = "campaign.cancelled"
    TEST = "webhook.test"


SUBSCRIBABLE = tuple(event for event in WebhookEvent if event is not WebhookEvent.TEST)
"""What a webhook may subscribe to (all of them when it names none); a test event
is sent only when asked for."""


def envelope(
    event_type: WebhookEvent,
    *,
    tenant_id: str,
    campaign_id: UUID | None,
    data: dict[str, Any],
    created_at: datetime,
) -> dict[str, Any]:
    """The body of a delivery but its `id` (the row's, added as it is stored)."""
    return {
        "type": event_type.value,
        "created_at": created_at.isoformat(),
        "tenant_id": tenant_id,
        "campaign_id": str(campaign_id) if campaign_id else None,
        "data": data,
    }


def progress_reached(finished: int, total: int, step: int) -> int:
    """The last multiple of `step` percent that `finished` of `total` reached (0:
    none yet).  100 only when everything finished."""
    if total <= 0 or finished <= 0:
        return 0
    percent = min(100, finished * 100 // total)
    return percent // step * step


def progress_data(campaign_id: UUID, percent: int, finished: int, total: int) -> dict[str, Any]:
    return {
        "campaign_id": str(campaign_id),
        "percent": percent,
        "finished": finished,
        "total": total,
    }
