"""Calls the webhooks' tests share: registering, publishing an event, reading a
webhook's log, checking a signature as a receiver would, and a sender of the
test's own beside the app's."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import timedelta
from typing import Any

import aio_pika
from campaign_api.webhooks.sender import WebhookSender, sender_config
from campaign_api.webhooks.signing import SIGNATURE_HEADER, verify
from campaign_api.webhooks.store import Claimed
from contracts.base import utc_now
from pydantic import BaseModel
from service_kit.publishing import encode

from .conftest import Api, Tenant
from .test_usecases import services


async def register(api: Api, tenant: Tenant, url: str, **fields: Any) -> dict[str, Any]:
    created = await api.call(
        tenant.admin, "POST", "/v1/webhooks", json={"url": url, **fields}, expect=201
    )
    body: dict[str, Any] = created.json()
    return body


async def publish(api: Api, exchange: str, routing_key: str, event: BaseModel) -> None:
    connection = await aio_pika.connect(api.rabbitmq_url)
    async with connection:
        channel = await connection.channel()
        found = await channel.get_exchange(exchange)
        await found.publish(
            aio_pika.Message(encode(event), content_type="application/json"), routing_key
        )


async def log_of(api: Api, tenant: Tenant, webhook_id: str) -> list[dict[str, Any]]:
    found = await api.call(tenant.admin, "GET", f"/v1/webhooks/{webhook_id}/deliveries", expect=200)
    items: list[dict[str, Any]] = found.json()["items"]
    return items


def signed(received: Any, secret: str) -> bool:
    header = received.headers[SIGNATURE_HEADER]
    return verify(secret, header, received.body, now=int(time.time()))


@asynccontextmanager
async def sender_of(api: Api, **config: Any) -> AsyncIterator[WebhookSender]:
    """A sender of the test's own (not running its loop), its settings changed."""
    svc = services(api)
    sender = WebhookSender(
        lambda: svc.pool, svc.box, replace(sender_config(svc.settings), **config), clock=utc_now
    )
    try:
        yield sender
    finally:
        await sender.stop()


def claimed(api: Api, url: str) -> Claimed:
    """A delivery to `url` as the sender claims it (no row behind it)."""
    return Claimed(
        id=uuid.uuid4(),
        webhook_id=uuid.uuid4(),
        tenant_id="t",
        url=url,
        sealed_secret=services(api).box.seal("whsec_x"),
        event_type="webhook.test",
        payload={},
        attempts=0,
        created_at=utc_now() - timedelta(seconds=1),
    )
