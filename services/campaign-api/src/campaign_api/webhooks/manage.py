"""The tenant's webhooks as its admins manage them: the use cases the API and
the console both call.  Another tenant's webhook is not found (404)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from ..domain.model import Principal, Refusal
from ..usecases.access import admin_tenant
from ..usecases.services import AppServices
from . import store
from .addresses import AddressRefused, resolve
from .events import SUBSCRIBABLE, WebhookEvent, envelope
from .signing import new_secret
from .store import Change, DeliveryLog, Webhook

MAX_WEBHOOKS = 20
"""Per tenant: each event is sent to each of them."""


@dataclass(frozen=True)
class Registration:
    url: str
    events: tuple[WebhookEvent, ...]
    progress_step: int
    enabled: bool = True


@dataclass(frozen=True)
class Edit:
    url: str | None = None
    events: tuple[WebhookEvent, ...] | None = None
    progress_step: int | None = None
    enabled: bool | None = None


async def check_address(svc: AppServices, url: str) -> None:
    """Refused (422 naming `url`) when the URL may not be sent to."""
    try:
        await resolve(url, allow_private=svc.settings.webhooks_allow_private_addresses)
    except AddressRefused as refused:
        raise Refusal(f"url: {refused}", "webhook_url_refused") from None


def _events(events: tuple[WebhookEvent, ...]) -> tuple[str, ...]:
    if WebhookEvent.TEST in events:
        raise Refusal(
            "events: webhook.test is sent only when asked for (POST /v1/webhooks/{id}/test); "
            "leave it out",
            "webhook_event_not_subscribable",
        )
    chosen = events or SUBSCRIBABLE
    return tuple(dict.fromkeys(event.value for event in chosen))


async def register(
    svc: AppServices, caller: Principal, registration: Registration
) -> tuple[Webhook, str]:
    """A new webhook and its secret, which is never shown again."""
    tenant_id = admin_tenant(caller)
    events = _events(registration.events)
    if await store.count_webhooks(svc.pool, tenant_id) >= MAX_WEBHOOKS:
        raise Refusal(
            f"a tenant has at most {MAX_WEBHOOKS} webhooks: delete one first",
            "too_many_webhooks",
            status=409,
        )
    await check_address(svc, registration.url)
    secret = new_secret()
    webhook = await store.insert_webhook(
        svc.pool,
        tenant_id=tenant_id,
        url=registration.url,
        events=events,
        progress_step=registration.progress_step,
        sealed_secret=svc.box.seal(secret),
        enabled=registration.enabled,
    )
    return webhook, secret


async def list_webhooks(svc: AppServices, caller: Principal) -> list[Webhook]:
    return await store.list_webhooks(svc.pool, admin_tenant(caller))


async def show(svc: AppServices, caller: Principal, webhook_id: UUID) -> Webhook:
    found = await store.get_webhook(svc.pool, admin_tenant(caller), webhook_id)
    if found is None:
        raise Refusal(f"no webhook {webhook_id}", "not_found", status=404)
    return found


async def edit(svc: AppServices, caller: Principal, webhook_id: UUID, change: Edit) -> Webhook:
    if change.url is not None:
        await check_address(svc, change.url)
    events = _events(change.events) if change.events is not None else None
    found = await store.update_webhook(
        svc.pool,
        admin_tenant(caller),
        webhook_id,
        Change(
            url=change.url,
            events=events,
            progress_step=change.progress_step,
            enabled=change.enabled,
        ),
    )
    if found is None:
        raise Refusal(f"no webhook {webhook_id}", "not_found", status=404)
    return found


async def rotate_secret(
    svc: AppServices, caller: Principal, webhook_id: UUID
) -> tuple[Webhook, str]:
    """A new secret, from the next attempt on (the old one stops signing at once)."""
    secret = new_secret()
    found = await store.update_webhook(
        svc.pool, admin_tenant(caller), webhook_id, Change(sealed_secret=svc.box.seal(secret))
    )
    if found is None:
        raise Refusal(f"no webhook {webhook_id}", "not_found", status=404)
    return found, secret


async def delete(svc: AppServices, caller: Principal, webhook_id: UUID) -> None:
    """The webhook and its delivery log; what was still to be sent is not sent."""
    if not await store.delete_webhook(svc.pool, admin_tenant(caller), webhook_id):
        raise Refusal(f"no webhook {webhook_id}", "not_found", status=404)


async def deliveries(
    svc: AppServices,
    caller: Principal,
    webhook_id: UUID,
    *,
    before: tuple[datetime, UUID] | None,
    limit: int,
) -> list[DeliveryLog]:
    """The webhook's log, newest first, `limit` rows older than `before`."""
    await show(svc, caller, webhook_id)
    return await store.deliveries_page(svc.pool, webhook_id, before=before, limit=limit)


async def send_test(svc: AppServices, caller: Principal, webhook_id: UUID) -> DeliveryLog:
    """A `webhook.test` event sent now (even to a disabled webhook), answered with
    its outcome; retried like any other when it failed."""
    webhook = await show(svc, caller, webhook_id)
    sender = svc.webhooks
    body = envelope(
        WebhookEvent.TEST,
        tenant_id=webhook.tenant_id,
        campaign_id=None,
        data={"webhook_id": str(webhook.id), "message": "a test event: the webhook works"},
        created_at=sender.now(),
    )
    async with svc.pool.acquire() as conn, conn.transaction():
        (delivery_id,) = await store.insert_deliveries(
            conn,
            tenant_id=webhook.tenant_id,
            event_type=WebhookEvent.TEST.value,
            event_key=None,
            campaign_id=None,
            payload=body,
            webhook_id=webhook.id,
        )
        claimed = await store.claim_one(conn, delivery_id, sender.now(), sender.claim_seconds)
    assert claimed is not None
    await sender.deliver(claimed)
    logged = await store.get_delivery(svc.pool, delivery_id)
    assert logged is not None
    return logged
