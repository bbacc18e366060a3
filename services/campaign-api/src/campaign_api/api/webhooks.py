"""Webhooks: a tenant admin registers URLs told of the tenant's campaign events,
sees each one's delivery log and sends it a test event."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field

from ..usecases.cursors import campaign_cursor, read_campaign_cursor
from ..webhooks import manage
from ..webhooks.events import WebhookEvent
from ..webhooks.store import DeliveryLog, Webhook
from .deps import Admin, Services
from .problems import MEMBER_CALL, problems
from .schemas import Body

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"], responses=MEMBER_CALL)

WebhookPath = Annotated[UUID, Path(description="The webhook's id")]
Url = Annotated[
    str,
    Field(
        min_length=1,
        max_length=2000,
        description="Where events are POSTed: https, to a public address",
        examples=["https://example.com/hooks/campaigns"],
    ),
]
Events = Annotated[
    list[WebhookEvent],
    Field(
        max_length=len(WebhookEvent),
        description="The events to be told of; none (or omitted): all of them",
    ),
]
ProgressStep = Annotated[
    int,
    Field(ge=1, le=100, description="campaign.progress every this many percent"),
]


class WebhookIn(Body):
    url: Url
    events: Events = Field(default_factory=list)
    progress_step: ProgressStep = 10
    enabled: bool = True


class WebhookPatch(Body):
    url: Url | None = None
    events: Events | None = None
    progress_step: ProgressStep | None = None
    enabled: bool | None = None


class WebhookOut(BaseModel):
    id: UUID
    url: str
    events: list[str]
    progress_step: int
    enabled: bool
    created_at: datetime
    updated_at: datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(
        description="Signs every delivery (`Campaigns-Signature`): shown this once, keep it"
    )


class DeliveryOut(BaseModel):
    id: UUID = Field(description="The event's id, as `Campaigns-Event-Id` sent it")
    event_type: str
    campaign_id: UUID | None
    status: str = Field(description="pending (to be attempted again), delivered or failed")
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    finished_at: datetime | None


class DeliveryLogPage(BaseModel):
    items: list[DeliveryOut]
    next_cursor: str | None


def webhook_out(webhook: Webhook) -> WebhookOut:
    return WebhookOut(
        id=webhook.id,
        url=webhook.url,
        events=list(webhook.events),
        progress_step=webhook.progress_step,
        enabled=webhook.enabled,
        created_at=webhook.created_at,
        updated_at=webhook.updated_at,
    )


def delivery_out(row: DeliveryLog) -> DeliveryOut:
    return DeliveryOut(
        id=row.id,
        event_type=row.event_type,
        campaign_id=row.campaign_id,
        status=row.status,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at if row.status == "pending" else None,
        last_attempt_at=row.last_attempt_at,
        last_status_code=row.last_status_code,
        last_error=row.last_error,
        created_at=row.created_at,
        finished_at=row.finished_at,
    )


@router.post("", response_model=WebhookCreated, status_code=201)
async def create_webhook(body: WebhookIn, svc: Services, caller: Admin) -> WebhookCreated:
    """Register a URL for the tenant's campaign events.  The answer carries the
    webhook's signing secret, shown only this once."""
    registration = manage.Registration(
        url=body.url,
        events=tuple(body.events),
        progress_step=body.progress_step,
        enabled=body.enabled,
    )
    webhook, secret = await manage.register(svc, caller, registration)
    return WebhookCreated(**webhook_out(webhook).model_dump(), secret=secret)


@router.get("", response_model=list[WebhookOut])
async def list_webhooks(svc: Services, caller: Admin) -> list[WebhookOut]:
    """The tenant's webhooks, oldest first (never their secrets)."""
    return [webhook_out(w) for w in await manage.list_webhooks(svc, caller)]


@router.get("/{webhook_id}", response_model=WebhookOut, responses=problems(404))
async def show_webhook(webhook_id: WebhookPath, svc: Services, caller: Admin) -> WebhookOut:
    return webhook_out(await manage.show(svc, caller, webhook_id))


@router.patch("/{webhook_id}", response_model=WebhookOut, responses=problems(404))
async def edit_webhook(
    webhook_id: WebhookPath, body: WebhookPatch, svc: Services, caller: Admin
) -> WebhookOut:
    """Change the URL, the events, the progress step or whether it is enabled (a
    disabled webhook is told of nothing new; what it had pending waits until it is
    enabled again)."""
    change = manage.Edit(
        url=body.url,
        events=tuple(body.events) if body.events is not None else None,
        progress_step=body.progress_step,
        enabled=body.enabled,
    )
    return webhook_out(await manage.edit(svc, caller, webhook_id, change))


@router.delete("/{webhook_id}", status_code=204, responses=problems(404))
async def delete_webhook(webhook_id: WebhookPath, svc: Services, caller: Admin) -> Response:
    """The webhook and its log; what it had still to be sent is dropped."""
    await manage.delete(svc, caller, webhook_id)
    return Response(status_code=204)


@router.post("/{webhook_id}/rotate-secret", response_model=WebhookCreated, responses=problems(404))
async def rotate_secret(webhook_id: WebhookPath, svc: Services, caller: Admin) -> WebhookCreated:
    """A new signing secret, shown this once; it signs from the next attempt on."""
    webhook, secret = await manage.rotate_secret(svc, caller, webhook_id)
    return WebhookCreated(**webhook_out(webhook).model_dump(), secret=secret)


@router.get("/{webhook_id}/deliveries", response_model=DeliveryLogPage, responses=problems(404))
async def list_deliveries(
    webhook_id: WebhookPath,
    svc: Services,
    caller: Admin,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> DeliveryLogPage:
    """The webhook's delivery log, newest first: each event's status, attempts,
    last HTTP status and error; `next_cursor` pages on."""
    rows = await manage.deliveries(
        svc, caller, webhook_id, before=read_campaign_cursor(cursor), limit=limit + 1
    )
    page, more = rows[:limit], len(rows) > limit
    next_cursor = campaign_cursor(page[-1].created_at, page[-1].id) if more else None
    return DeliveryLogPage(items=[delivery_out(r) for r in page], next_cursor=next_cursor)


@router.post("/{webhook_id}/test", response_model=DeliveryOut, responses=problems(404))
async def send_test(webhook_id: WebhookPath, svc: Services, caller: Admin) -> DeliveryOut:
    """Send a `webhook.test` event now; the answer is its outcome (a failed one is
    retried like any other event)."""
    return delivery_out(await manage.send_test(svc, caller, webhook_id))
