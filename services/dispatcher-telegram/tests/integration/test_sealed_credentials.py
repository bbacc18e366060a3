"""The dispatcher keeps a connection's token sealed in its table, as it came on
`connection.updated.v1`, and opens it only in memory to send; one an earlier
campaign-api published in clear is sealed before it is stored."""

from __future__ import annotations

import uuid

import asyncpg
import pytest
from contracts.base import utc_now
from contracts.tenants import ConnectionUpdatedV1
from dispatcher_telegram.settings import Settings
from platform_sim.client import RunningSimulators
from starlette.applications import Starlette
from test_support.secrets import run_box
from test_support.waiting import eventually

from .conftest import TOKEN, Harness, job

pytestmark = pytest.mark.integration

SECRET = TOKEN.split(":")[1]


async def stored(settings: Settings, connection_id: str) -> asyncpg.Record | None:
    conn = await asyncpg.connect(settings.database_url)
    try:
        return await conn.fetchrow(
            "SELECT c::text AS text, c.sealed_credentials FROM dispatcher_telegram.connections c"
            " WHERE connection_id = $1",
            connection_id,
        )
    finally:
        await conn.close()


async def sends(harness: Harness, sims: RunningSimulators, connection_id: str) -> None:
    campaign = uuid.uuid4()
    await harness.send(connection_id, [job(campaign, 1)])
    result = (await harness.collect(len(harness.results) + 1))[(campaign, 1, 1)][-1]
    assert result.status == "sent", result
    calls = await sims.control("telegram").calls(method="sendMessage")
    assert any(call["status"] == 200 for call in calls)


async def test_the_token_is_stored_sealed_and_still_sends(
    harness: Harness, sims: RunningSimulators, dispatcher: Starlette, settings: Settings
) -> None:
    await harness.connect("bot-sealed", rate_per_second=100)
    row = await eventually(lambda: stored(settings, "bot-sealed"), what="the connection stored")
    assert SECRET not in row["text"]
    assert run_box().open_credentials(row["sealed_credentials"]) == {"token": TOKEN}
    await sends(harness, sims, "bot-sealed")


async def test_a_token_an_earlier_publisher_sent_in_clear_is_stored_sealed(
    harness: Harness, sims: RunningSimulators, dispatcher: Starlette, settings: Settings
) -> None:
    event = ConnectionUpdatedV1(
        tenant_id="t1",
        connection_id="bot-legacy",
        channel="telegram_bot",
        credentials={"token": TOKEN},
        updated_at=utc_now(),
    )
    await harness.connect("bot-legacy", event)
    row = await eventually(lambda: stored(settings, "bot-legacy"), what="the connection stored")
    assert SECRET not in row["text"]
    await sends(harness, sims, "bot-legacy")
