"""An operator's day in the `/send` language, through `campaignctl` as a person
runs it: a template chain built from replied-to messages, sent to a label with
live progress, step 2 timed from the moment step 1 was actually sent, the
lifecycle events with their counters, and the CSV report against the
deliveries."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import subprocess
import sys
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

import aio_pika
import pytest
from contracts.names import CAMPAIGNS_EXCHANGE, RoutingKey
from test_support.api_client import CampaignApi
from test_support.waiting import eventually

from .conftest import World

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

TOKEN = "123456781:AAcommands-e2e-bot-token-0000000000"
PEOPLE = 60
VIP = 40
BLOCKED = 3
STEP_GAP = 2.0


async def campaignctl(world: World, key: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CAMPAIGN_API_URL": world.system.api_url, "CAMPAIGN_API_KEY": key}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "campaignctl",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    done = subprocess.CompletedProcess(args, process.returncode or 0, out.decode(), err.decode())
    assert done.returncode == 0, f"campaignctl {' '.join(args)}: {done.stderr}{done.stdout}"
    return done


@pytest.fixture
async def lifecycle(world: World) -> AsyncIterator[list[tuple[str, dict[str, Any]]]]:
    """What the platform would hear of campaigns: started, completed, cancelled."""
    connection = await aio_pika.connect(world.rabbitmq_url)
    channel = await connection.channel()
    queue = await channel.declare_queue("", exclusive=True)
    for key in (
        RoutingKey.CAMPAIGN_STARTED,
        RoutingKey.CAMPAIGN_COMPLETED,
        RoutingKey.CAMPAIGN_CANCELLED,
    ):
        await queue.bind(CAMPAIGNS_EXCHANGE, key)
    seen: list[tuple[str, dict[str, Any]]] = []

    async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
        async with message.process():
            seen.append((message.routing_key or "", json.loads(message.body)))

    await queue.consume(on_message)
    yield seen
    await connection.close()


async def test_a_chain_sent_in_the_send_language(
    world: World, lifecycle: list[tuple[str, dict[str, Any]]]
) -> None:
    tenant = f"ops-{uuid.uuid4().hex[:6]}"
    async with CampaignApi(world.system.api_url, world.system.platform_key) as platform:
        key = await platform.create_tenant(tenant, subscription_ends_at="2099-01-01T00:00:00Z")
    telegram = world.sims.control("telegram")
    blocked = [str(800000 + n) for n in range(1, BLOCKED + 1)]
    await telegram.set_recipients(blocked, "blocked")
    async with CampaignApi(world.system.api_url, key) as api:
        await api.call(
            "PUT",
            "/v1/connections/tg-cmd",
            json={"channel": "telegram_bot", "credentials": {"token": TOKEN}},
        )
        rows = ["connection_id,external_id,name,labels"] + [
            f"tg-cmd,{800000 + n},Person {n},{'vip' if n <= VIP else 'other'}"
            for n in range(1, PEOPLE + 1)
        ]
        await api.call(
            "POST",
            "/v1/contacts/import",
            content="\n".join(rows) + "\n",
            headers={"Content-Type": "text/csv"},
        )

        async def imported() -> bool:
            found = await api.call(
                "POST",
                "/v1/audience/estimate",
                json={"audience": {"kind": "filter", "labels_any": ["vip"]}},
            )
            return bool(found["audience_size"] == VIP)

        await eventually(imported, timeout=60, interval=0.3, what="the import")

        await campaignctl(world, key, "--text", "Hi {name}!", "/send", "promo")
        await campaignctl(world, key, "--text", "Still there, {name}?", "promo", f"{STEP_GAP:g}s")
        shown = await campaignctl(world, key, "promo")
        assert "Template promo: 2 step(s)" in shown.stdout

        sent = await campaignctl(world, key, "mark", "vip", "promo", "tg-cmd")
        lines = sent.stdout.splitlines()
        sid = lines[0].split()[0]
        assert sid.startswith("sid")
        assert "about 40 recipients" in lines[0]
        final = lines[-1]
        assert final.startswith(f"{sid} completed: {2 * VIP - 2 * BLOCKED} sent, {BLOCKED} failed")
        assert f"{BLOCKED} skipped" in final, "a failed step 1 skips step 2"

        status = await campaignctl(world, key, sid)
        assert "completed" in status.stdout
        assert "Forbidden: bot was blocked by the user" in status.stdout

        listed = await api.call("GET", "/v1/campaigns", params={"sending_id": sid[3:]})
        campaign_id = listed["items"][0]["id"]
        report = await api.call("GET", f"/v1/campaigns/{campaign_id}/report.csv")
        deliveries: list[dict[str, Any]] = []
        cursor = None
        while True:
            params = {"limit": 7, **({"cursor": cursor} if cursor else {})}
            page = await api.call("GET", f"/v1/campaigns/{campaign_id}/deliveries", params=params)
            deliveries += page["items"]
            cursor = page["next_cursor"]
            if not cursor:
                break

    calls = await telegram.calls(method="sendMessage", account=TOKEN.split(":")[0])
    by_chat: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for call in calls:
        if call["status"] == 200 or str(call["recipient"]) in blocked:
            by_chat[str(call["recipient"])].append(call)  # not the 429s it retried
    assert set(by_chat) == {str(800000 + n) for n in range(1, VIP + 1)}
    for chat, received in by_chat.items():
        texts = [c["params"]["text"] for c in received]
        if chat in blocked:
            assert len(received) == 1, "no step 2 after a failed step 1"
            continue
        name = f"Person {int(chat) - 800000}"
        assert texts == [f"Hi {name}!", f"Still there, {name}?"]
        gap = received[1]["at"] - received[0]["at"]
        assert gap >= STEP_GAP - 0.05, f"step 2 reached {chat} {gap:.2f} s after step 1"

    rows_in_report = list(csv.DictReader(io.StringIO(report)))
    assert len(rows_in_report) == len(deliveries) == 2 * VIP
    for row, delivery in zip(rows_in_report, deliveries, strict=True):
        assert (int(row["recipient_no"]), int(row["step_no"])) == (
            delivery["recipient_no"],
            delivery["step_no"],
        )
        assert row["recipient"] == delivery["external_id"]
        assert row["status"] == delivery["status"]
        assert row["platform_message_id"] == (delivery["platform_message_id"] or "")
        assert row["error_reason"] == (delivery["error_reason"] or "")

    async def completed_event() -> dict[str, Any] | None:
        found = [
            body
            for key, body in lifecycle
            if key == RoutingKey.CAMPAIGN_COMPLETED and body["campaign_id"] == campaign_id
        ]
        return found[0] if found else None

    done = await eventually(completed_event, timeout=30, what="campaign.completed.v1")
    assert (done["audience_size"], done["sent"], done["failed"], done["skipped"]) == (
        VIP,
        2 * VIP - 2 * BLOCKED,
        BLOCKED,
        BLOCKED,
    )
    assert done["report_path"] == f"/v1/campaigns/{campaign_id}/report.csv"
    assert any(
        key == RoutingKey.CAMPAIGN_STARTED and body["campaign_id"] == campaign_id
        for key, body in lifecycle
    )
