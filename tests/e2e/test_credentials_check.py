"""A bot whose token Telegram refuses: its campaign fails (the first delivery
with Telegram's 401, the rest because the connection is paused for 30 days);
once Telegram takes the token again, `POST /v1/connections/{id}/check` says so
and lifts the pause, and the next campaign goes out."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from test_support.api_client import CampaignApi
from test_support.waiting import eventually

from .conftest import World

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

BOT_ID = "323456789"
TOKEN = f"{BOT_ID}:AAE2Echeck-token-for-the-simulated0"
AUDIENCE = 3
CHECKS = ("consumer_messages_total{", 'queue="dispatcher-telegram.connection-checks"', "handled")


async def finished(api: CampaignApi, connection: str) -> dict[str, Any]:
    created = await api.call(
        "POST",
        "/v1/campaigns",
        json={
            "connection_id": connection,
            "audience": {"kind": "filter", "connection_ids": [connection]},
            "content": {"kind": "text", "text": "Hi {name}"},
        },
    )

    async def done() -> dict[str, Any] | None:
        found = await api.campaign(created["campaign_id"])
        return found if found["status"] == "completed" else None

    return await eventually(done, timeout=60, interval=0.3, what="the campaign to finish")


async def checks_handled(world: World) -> int:
    async with httpx.AsyncClient(follow_redirects=True) as http:
        metrics = (await http.get(f"{world.system['dispatcher-telegram'].base_url}/metrics")).text
    lines = [
        line
        for line in metrics.splitlines()
        if line.startswith(CHECKS[0]) and all(part in line for part in CHECKS[1:])
    ]
    return int(float(lines[0].split()[-1])) if lines else 0


async def test_a_check_lifts_the_pause_of_a_refused_token(world: World) -> None:
    tenant = f"check-{uuid.uuid4().hex[:6]}"
    connection = "tg-check"
    async with CampaignApi(world.system.api_url, world.system.platform_key) as platform:
        key = await platform.create_tenant(tenant, subscription_ends_at="2099-01-01T00:00:00Z")
    telegram = world.sims.control("telegram")
    await telegram.set_account(BOT_ID, "unauthorized")
    async with CampaignApi(world.system.api_url, key) as api:
        await api.call(
            "PUT",
            f"/v1/connections/{connection}",
            json={"channel": "telegram_bot", "credentials": {"token": TOKEN}},
        )
        rows = [f"{connection},{890000 + n},Person {n}" for n in range(1, AUDIENCE + 1)]
        await api.import_contacts("connection_id,external_id,name\n" + "\n".join(rows) + "\n")
        audience = {"kind": "filter", "connection_ids": [connection]}
        await api.until_estimated(audience, AUDIENCE)
        refused = await finished(api, connection)
        assert refused["progress"]["failed"] == AUDIENCE
        assert refused["progress"]["delivered"] == 0

        await telegram.set_account(BOT_ID, "ok")
        before = await checks_handled(world)
        answer = await api.call("POST", f"/v1/connections/{connection}/check")
        assert answer["ok"] is True, answer
        assert answer["answer"].startswith("Telegram bot @")

        async def heard() -> bool:
            return await checks_handled(world) > before

        await eventually(heard, timeout=30, interval=0.2, what="the dispatcher to hear the check")
        resumed = await finished(api, connection)
    assert resumed["progress"]["delivered"] == AUDIENCE
    calls = await telegram.calls(method="sendMessage", account=BOT_ID)
    assert [c["status"] for c in calls].count(401) == 1  # paused after the first refusal
    assert [c["status"] for c in calls].count(200) == AUDIENCE
