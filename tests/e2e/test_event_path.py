"""Other services request campaigns with `campaign.requested.v1`; bad input gets a
reason (a rejection event, a 422 naming the field, or the dead-letter queue) and
never stops a service."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import aio_pika
import httpx
import pytest
from contracts.names import Queue, RoutingKey, dead_letter_queue
from test_support.api_client import CampaignApi
from test_support.campaign_requests import CampaignOutcomes, campaign_outcomes
from test_support.waiting import eventually

from .conftest import World

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]


@pytest.fixture
async def outcomes(world: World) -> AsyncIterator[CampaignOutcomes]:
    async with campaign_outcomes(world.rabbitmq_url) as outcomes:
        yield outcomes


async def tenant_with_bot(world: World) -> tuple[str, str]:
    tenant = f"crm-{uuid.uuid4().hex[:6]}"
    async with CampaignApi(world.system.api_url, world.system.platform_key) as platform:
        key = await platform.create_tenant(tenant)
    async with CampaignApi(world.system.api_url, key) as api:
        await api.call(
            "PUT",
            "/v1/connections/tg-crm",
            json={
                "channel": "telegram_bot",
                "credentials": {"token": "123456780:AAcrm-bot-token-0000000000000000000"},
            },
        )
    return tenant, key


def request(tenant: str, request_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "request_id": request_id,
        "tenant_id": tenant,
        "requested_by": "crm",
        "name": "From the CRM",
        "connection_id": "tg-crm",
        "audience": {"kind": "list", "external_ids": ["5001", "5002"]},
        "content": {"kind": "text", "text": "Hello, {name|there}!"},
        "interval_seconds": 0,
        "start_at": "2099-01-01T00:00:00Z",
        **changes,
    }


async def test_the_same_request_twice_makes_one_campaign(
    world: World, outcomes: CampaignOutcomes
) -> None:
    tenant, key = await tenant_with_bot(world)
    request_id = str(uuid.uuid4())
    body = json.dumps(request(tenant, request_id)).encode()
    await outcomes.publish(body)
    await outcomes.publish(body)
    accepted = await outcomes.wait_for(RoutingKey.CAMPAIGN_ACCEPTED, request_id, count=2)
    assert accepted[0]["campaign_id"] == accepted[1]["campaign_id"]
    async with CampaignApi(world.system.api_url, key) as api:
        listed = await api.call("GET", "/v1/campaigns")
        campaign = await api.campaign(accepted[0]["campaign_id"])
    assert [c["id"] for c in listed["items"]] == [accepted[0]["campaign_id"]]
    assert campaign["requested_by"] == "crm"
    assert campaign["status"] == "scheduled"


async def test_a_malformed_request_is_rejected_with_the_field(
    world: World, outcomes: CampaignOutcomes
) -> None:
    tenant, _ = await tenant_with_bot(world)
    request_id = str(uuid.uuid4())
    bad = request(tenant, request_id, content={"kind": "text", "text": ""}, interval_seconds=-5)
    await outcomes.publish(json.dumps(bad).encode())
    rejected = (await outcomes.wait_for(RoutingKey.CAMPAIGN_REJECTED, request_id))[0]
    assert "content.text" in rejected["reason"]
    assert "interval_seconds" in rejected["reason"]
    assert {e["field"] for e in rejected["errors"]} == {"content.text", "interval_seconds"}


async def test_a_refused_request_says_what_to_fix(world: World, outcomes: CampaignOutcomes) -> None:
    tenant, _ = await tenant_with_bot(world)
    request_id = str(uuid.uuid4())
    await outcomes.publish(json.dumps(request(tenant, request_id, connection_id="nope")).encode())
    rejected = (await outcomes.wait_for(RoutingKey.CAMPAIGN_REJECTED, request_id))[0]
    assert "unknown connection 'nope'" in rejected["reason"]


async def test_an_unreadable_request_goes_to_the_dead_letter_queue(
    world: World, outcomes: CampaignOutcomes
) -> None:
    await outcomes.publish(b"this is not JSON")
    dlq = await outcomes.channel.get_queue(dead_letter_queue(Queue.API_CAMPAIGN_REQUESTED))

    async def dead_lettered() -> aio_pika.abc.AbstractIncomingMessage | None:
        message = await dlq.get(fail=False)
        if message is not None:
            await message.ack()
        return message

    message = await eventually(dead_lettered, timeout=30, what="the dead-lettered request")
    assert message.body == b"this is not JSON"
    assert "invalid CampaignRequestedV1" in str(message.headers["x-dead-letter-reason"])
    async with httpx.AsyncClient() as client:
        health = await client.get(f"{world.system.api_url}/health")
    assert health.status_code == 200


async def test_a_bad_http_body_gets_a_422_naming_the_field(world: World) -> None:
    _, key = await tenant_with_bot(world)
    async with CampaignApi(world.system.api_url, key) as api:
        answer = await api.call(
            "POST",
            "/v1/campaigns",
            expect=422,
            json={
                "audience": {"kind": "filter", "labels_any": "vip"},
                "content": {"kind": "text", "text": "x"},
            },
        )
    assert answer["errors"][0]["field"] == "audience.labels_any"
    assert "audience.labels_any" in answer["detail"]
