"""Webhooks (issue 17): where they may point (no private or loopback address
unless allowed, when registered and again when sending), how long a receiver may
hold a delivery, whose they are (the tenant's admins'; another tenant's is a 404),
what they may subscribe to, how many a tenant has, and how long the log keeps
what ended."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from campaign_api.domain.model import Refusal
from campaign_api.webhooks import manage, store
from campaign_api.webhooks.manage import MAX_WEBHOOKS
from contracts.base import utc_now
from test_support.waiting import eventually

from .conftest import Api, Tenant, new_tenant, scheduled_campaign
from .test_usecases import admin, services
from .webhook_calls import claimed, log_of, register, sender_of
from .webhook_receiver import Receiver, receiving

pytestmark = pytest.mark.integration


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with receiving() as running:
        yield running


async def test_private_and_loopback_addresses_are_refused_unless_allowed(
    api: Api, tenant: Tenant, receiver: Receiver
) -> None:
    svc = services(api)
    strict = replace(
        svc, settings=svc.settings.model_copy(update={"webhooks_allow_private_addresses": False})
    )
    for url in (
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://[::ffff:10.0.0.1]/hook",
        "https://localhost/hook",  # a name that resolves to 127.0.0.1
        "http://example.com/hook",  # https only
    ):
        with pytest.raises(Refusal) as refused:
            await manage.register(strict, admin(tenant), manage.Registration(url, (), 10))
        assert refused.value.reason.startswith("url: "), url
    answered = await api.call(
        tenant.admin, "POST", "/v1/webhooks", json={"url": "ftp://127.0.0.1/x"}, expect=422
    )
    assert "url" in answered.json()["detail"]
    assert (await api.call(tenant.admin, "GET", "/v1/webhooks", expect=200)).json() == []

    # checked again when sending: a name that resolves to a loopback address
    async with sender_of(api, allow_private=False) as sender:
        outcome = await sender.attempt(claimed(api, f"https://localhost:{receiver.port}/hook"))
    assert outcome.status_code is None
    assert "address refused" in str(outcome.error)
    assert receiver.received == []


async def test_a_slow_or_talkative_receiver_is_cut_short(api: Api, receiver: Receiver) -> None:
    receiver.slow["/slow"] = 1.0
    receiver.answers["/long"] = [500]
    receiver.texts["/long"] = "x" * 1_000_000
    async with sender_of(api, timeout_seconds=0.3) as sender:
        began = time.monotonic()
        slow = await sender.attempt(claimed(api, receiver.url("/slow")))
        assert time.monotonic() - began < 1.0
        long = await sender.attempt(claimed(api, receiver.url("/long")))
    assert (slow.status_code, slow.error) == (None, "no answer within 0.3 s")
    assert long.status_code == 500
    assert long.error == "HTTP 500: " + "x" * 200


async def test_webhooks_are_the_tenant_admins_own(
    api: Api, tenant: Tenant, receiver: Receiver
) -> None:
    created = await register(api, tenant, receiver.url("/mine"))
    other = await new_tenant(api)
    path = f"/v1/webhooks/{created['id']}"
    for method, suffix in (
        ("GET", ""),
        ("PATCH", ""),
        ("DELETE", ""),
        ("GET", "/deliveries"),
        ("POST", "/test"),
        ("POST", "/rotate-secret"),
    ):
        kw: dict[str, Any] = {"json": {"enabled": False}} if method == "PATCH" else {}
        await api.call(other.admin, method, path + suffix, expect=404, **kw)
        await api.call(tenant.operator, method, path + suffix, expect=403, **kw)
    assert (await api.call(other.admin, "GET", "/v1/webhooks", expect=200)).json() == []
    assert receiver.received == []

    changed = await api.call(
        tenant.admin, "PATCH", path, json={"enabled": False, "progress_step": 5}, expect=200
    )
    assert (changed.json()["enabled"], changed.json()["progress_step"]) == (False, 5)
    await api.call(tenant.admin, "DELETE", path, expect=204)
    await api.call(tenant.admin, "GET", path, expect=404)


async def test_what_a_webhook_may_subscribe_to_and_how_many_a_tenant_has(
    api: Api, tenant: Tenant, receiver: Receiver
) -> None:
    body = {"url": receiver.url("/x"), "events": ["webhook.test"]}
    refused = await api.call(tenant.admin, "POST", "/v1/webhooks", json=body, expect=422)
    assert refused.json()["code"] == "webhook_event_not_subscribable"
    assert refused.json()["detail"].startswith("events: ")
    unknown = {"url": receiver.url("/x"), "events": ["campaign.exploded"]}
    await api.call(tenant.admin, "POST", "/v1/webhooks", json=unknown, expect=422)
    for n in range(MAX_WEBHOOKS):
        await register(api, tenant, receiver.url(f"/{n}"))
    over = await api.call(
        tenant.admin, "POST", "/v1/webhooks", json={"url": receiver.url("/over")}, expect=409
    )
    assert over.json()["code"] == "too_many_webhooks"


async def test_the_log_forgets_what_ended_long_ago_and_keeps_what_is_pending(
    api: Api, tenant: Tenant, receiver: Receiver
) -> None:
    created = await register(api, tenant, receiver.url("/old"))
    webhook = uuid.UUID(created["id"])
    await api.call(tenant.admin, "POST", f"/v1/webhooks/{created['id']}/test", expect=200)
    pool = services(api).pool
    await pool.execute(
        "UPDATE webhook_deliveries SET finished_at = now() - interval '31 days' "
        "WHERE webhook_id = $1",
        webhook,
    )
    receiver.answers["/old"] = [500] * 100
    await scheduled_campaign(api, tenant, ["1"])  # an accepted event, failing: pending

    async def attempted() -> bool:
        return len(receiver.at("/old")) >= 2

    await eventually(attempted, what="the accepted event attempted")
    erased = await store.erase_ended(pool, utc_now() - timedelta(days=30), 1000)
    assert erased >= 1
    rows = await log_of(api, tenant, created["id"])
    assert [(r["event_type"], r["status"]) for r in rows] == [("campaign.accepted", "pending")]
