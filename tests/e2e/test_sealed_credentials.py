"""A connection's token, saved through the API, is nowhere in clear but in the
memory of the services that use it: not in campaign-api's table, not in the
dispatcher's, not in `connection.updated.v1` on the broker, not in any log line;
and the dispatcher still sends with it."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import aio_pika
import asyncpg
import pytest
from contracts.names import INTERNAL_EXCHANGE, RoutingKey
from contracts.tenants import ConnectionUpdatedV1
from test_support.api_client import CampaignApi
from test_support.secrets import run_box
from test_support.waiting import eventually

from .conftest import World

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

BOT_ID = "523456781"
SECRET = "AAsealed-e2e-token-never-in-clear-x"
TOKEN = f"{BOT_ID}:{SECRET}"
AUDIENCE = 3


async def stored_rows(world: World, schema: str, tenant: str) -> list[str]:
    conn = await asyncpg.connect(world.database_url)
    try:
        rows = await conn.fetch(
            f"SELECT c::text AS row, c.sealed_credentials FROM {schema}.connections c "
            "WHERE tenant_id = $1",
            tenant,
        )
    finally:
        await conn.close()
    for row in rows:
        assert run_box().open_credentials(row["sealed_credentials"]) == {"token": TOKEN}
    return [row["row"] for row in rows]


async def run_campaign(api: CampaignApi, connection: str) -> dict[str, Any]:
    rows = [f"{connection},{991000 + n},Person {n}" for n in range(1, AUDIENCE + 1)]
    await api.import_contacts("connection_id,external_id,name\n" + "\n".join(rows) + "\n")
    audience = {"kind": "filter", "connection_ids": [connection]}
    await api.until_estimated(audience, AUDIENCE)
    created = await api.call(
        "POST",
        "/v1/campaigns",
        json={
            "connection_id": connection,
            "audience": audience,
            "content": {"kind": "text", "text": "Hi"},
        },
    )

    async def done() -> dict[str, Any] | None:
        found = await api.campaign(created["campaign_id"])
        return found if found["status"] == "completed" else None

    return await eventually(done, timeout=60, interval=0.3, what="the campaign to finish")


async def test_a_token_is_sealed_in_every_table_and_on_the_broker_and_still_sends(
    world: World,
) -> None:
    tenant = f"sealed-{uuid.uuid4().hex[:6]}"
    connection = "tg-sealed"
    async with CampaignApi(world.system.api_url, world.system.platform_key) as platform:
        key = await platform.create_tenant(tenant, subscription_ends_at="2099-01-01T00:00:00Z")
    broker = await aio_pika.connect(world.rabbitmq_url)
    async with broker, CampaignApi(world.system.api_url, key) as api:
        channel = await broker.channel()
        updates = await channel.declare_queue("", exclusive=True)
        await updates.bind(INTERNAL_EXCHANGE, RoutingKey.CONNECTION_UPDATED)
        await api.call(
            "PUT",
            f"/v1/connections/{connection}",
            json={"channel": "telegram_bot", "credentials": {"token": TOKEN}},
        )
        shown = await api.call("GET", "/v1/connections")
        assert SECRET not in str(shown)

        async with asyncio.timeout(20), updates.iterator() as messages:
            async for message in messages:
                await message.ack()
                if tenant.encode() in message.body:
                    assert SECRET.encode() not in message.body
                    event = ConnectionUpdatedV1.model_validate_json(message.body)
                    assert event.credentials == {}
                    assert event.sealed_credentials is not None
                    break

        (api_row,) = await stored_rows(world, "campaign_api", tenant)
        assert SECRET not in api_row

        async def in_dispatcher() -> list[str] | None:
            return await stored_rows(world, "dispatcher_telegram", tenant) or None

        (dispatcher_row,) = await eventually(in_dispatcher, what="the dispatcher to store it")
        assert SECRET not in dispatcher_row

        finished = await run_campaign(api, connection)
    assert finished["progress"]["delivered"] == AUDIENCE
    calls = await world.sims.control("telegram").calls(method="sendMessage", account=BOT_ID)
    assert [c["status"] for c in calls].count(200) == AUDIENCE
    for process in world.system.processes.values():
        assert SECRET not in process.log_path.read_text(errors="replace"), process.name
