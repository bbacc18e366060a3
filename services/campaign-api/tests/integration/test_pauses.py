"""Pause and resume through the API: the commands go out, the campaign shows as
paused with the reason (the scheduler's campaign.paused.v1 included, for a pause
it made itself), and a state that allows neither answers 409 naming it."""

from __future__ import annotations

import json
import uuid
from typing import Any

import aio_pika
from contracts.base import utc_now
from contracts.campaigns import CampaignPausedV1, FailureRate
from contracts.names import CAMPAIGNS_EXCHANGE, INTERNAL_EXCHANGE, RoutingKey
from service_kit.publishing import encode
from test_support.waiting import eventually

from .conftest import Api, Tenant, complete, scheduled_campaign


async def shown(api: Api, tenant: Tenant, campaign: uuid.UUID) -> dict[str, Any]:
    found = await api.call(tenant.admin, "GET", f"/v1/campaigns/{campaign}", expect=200)
    body: dict[str, Any] = found.json()
    return body


async def test_pause_and_resume_go_out_and_show(api: Api, tenant: Tenant) -> None:
    campaign = await scheduled_campaign(api, tenant, ["1001"])
    connection = await aio_pika.connect(api.rabbitmq_url)
    async with connection:
        channel = await connection.channel()
        heard = await channel.declare_queue("", exclusive=True)
        for key in (RoutingKey.CAMPAIGN_PAUSE, RoutingKey.CAMPAIGN_RESUME):
            await heard.bind(INTERNAL_EXCHANGE, key)
        commands: list[tuple[str, dict[str, Any]]] = []

        async def take(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            async with message.process():
                commands.append((message.routing_key or "", json.loads(message.body)))

        await heard.consume(take)
        path = f"/v1/campaigns/{campaign}"
        paused = await api.call(tenant.operator, "POST", f"{path}/pause")
        assert paused.status_code == 403  # the admin started it
        paused = await api.call(tenant.admin, "POST", f"{path}/pause", expect=202)
        assert paused.json()["status"] == "pausing"
        body = await shown(api, tenant, campaign)
        assert body["status"] == "paused"
        assert body["pause"]["reason"] == "requested"
        assert body["pause"]["requested_by"] == f"key {tenant.key_ids['admin']}"
        again = await api.call(tenant.admin, "POST", f"{path}/pause", expect=409)
        assert "already paused" in again.json()["detail"]
        listed = await api.call(tenant.admin, "GET", "/v1/campaigns?status=paused", expect=200)
        assert [c["id"] for c in listed.json()["items"]] == [str(campaign)]

        await api.call(tenant.admin, "POST", f"{path}/resume", expect=202)
        body = await shown(api, tenant, campaign)
        assert (body["status"], body["pause"]) == ("scheduled", None)
        refused = await api.call(tenant.admin, "POST", f"{path}/resume", expect=409)
        assert "is scheduled, not paused" in refused.json()["detail"]

        async def both() -> bool:
            return len(commands) == 2

        await eventually(both, what="campaign.pause.v1 and campaign.resume.v1")
    assert [key for key, _ in commands] == [RoutingKey.CAMPAIGN_PAUSE, RoutingKey.CAMPAIGN_RESUME]
    assert {body["campaign_id"] for _, body in commands} == {str(campaign)}


async def test_a_pause_the_scheduler_made_shows_its_reason(api: Api, tenant: Tenant) -> None:
    campaign = await scheduled_campaign(api, tenant, ["1001"])
    event = CampaignPausedV1(
        campaign_id=campaign,
        tenant_id=tenant.id,
        connection_id="tg-main",
        name="n",
        reason="failure_rate",
        failure_rate=FailureRate(failed=41, attempts=200, threshold=0.2),
        detail="41 of its last 200 messages failed",
        paused_at=utc_now(),
    )
    connection = await aio_pika.connect(api.rabbitmq_url)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.get_exchange(CAMPAIGNS_EXCHANGE)
        await exchange.publish(aio_pika.Message(encode(event)), RoutingKey.CAMPAIGN_PAUSED)

    async def paused() -> dict[str, Any] | None:
        body = await shown(api, tenant, campaign)
        return body if body["status"] == "paused" else None

    body = await eventually(paused, what="the campaign shown paused")
    assert body["pause"]["reason"] == "failure_rate"
    assert body["pause"]["failure_rate"] == {"failed": 41, "attempts": 200, "threshold": 0.2}

    await complete(api, tenant, str(campaign))
    refused = await api.call(tenant.admin, "POST", f"/v1/campaigns/{campaign}/pause", expect=409)
    assert "already completed" in refused.json()["detail"]
    assert (await shown(api, tenant, campaign))["pause"] is None


async def test_a_campaign_asks_for_its_own_threshold(api: Api, tenant: Tenant) -> None:
    body = {
        "connection_id": "tg-main",
        "audience": {"kind": "list", "external_ids": ["1001"]},
        "content": {"kind": "text", "text": "Hi"},
        "auto_pause": {"failure_ratio": 1.5},
    }
    refused = await api.call(tenant.admin, "POST", "/v1/campaigns?dry_run=true", json=body)
    assert refused.status_code == 422
    assert "auto_pause.failure_ratio" in refused.text
