"""One real campaign through every hop: API -> campaign-api -> audience-resolver
-> scheduler -> dispatcher-telegram -> Telegram (simulated) -> results -> report."""

from __future__ import annotations

import csv
import io
import uuid
from collections import Counter
from typing import Any

import pytest
from test_support.api_client import CampaignApi
from test_support.waiting import eventually

from .conftest import World

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

TOKEN = "123456789:AAE2Etoken-for-the-simulated-bot-00"
AUDIENCE = 1200
VIP = 1000
BLOCKED = 40


def contacts_csv(connection_id: str) -> str:
    lines = ["connection_id,external_id,name,labels,city"]
    for n in range(1, AUDIENCE + 1):
        labels = "vip;newsletter" if n <= VIP else "newsletter"
        lines.append(f"{connection_id},{700000 + n},Person {n},{labels},City {n % 7}")
    return "\n".join(lines) + "\n"


async def test_a_campaign_reaches_every_recipient_exactly_once(world: World) -> None:
    tenant = f"acme-{uuid.uuid4().hex[:6]}"
    connection = "tg-e2e"
    async with CampaignApi(world.system.api_url, world.system.platform_key) as platform:
        key = await platform.create_tenant(tenant, subscription_ends_at="2099-01-01T00:00:00Z")
    telegram = world.sims.control("telegram")
    await telegram.configure(rate_per_second=None)
    blocked = [str(700000 + n) for n in range(1, BLOCKED + 1)]
    await telegram.set_recipients(blocked, "blocked")

    async with CampaignApi(world.system.api_url, key) as api:
        await api.call(
            "PUT",
            f"/v1/connections/{connection}",
            json={
                "channel": "telegram_bot",
                "credentials": {"token": TOKEN},
                "limits": {"rate_per_second": 500, "max_in_flight": 8},
            },
        )
        imported = await api.call(
            "POST",
            "/v1/contacts/import",
            content=contacts_csv(connection),
            headers={"Content-Type": "text/csv"},
        )
        assert (imported["rows"], imported["accepted"], imported["rejected"]) == (
            AUDIENCE,
            AUDIENCE,
            0,
        )
        audience = {"kind": "filter", "channels": ["telegram"], "labels_any": ["vip"]}

        async def estimated() -> bool:
            found = await api.call("POST", "/v1/audience/estimate", json={"audience": audience})
            return bool(found["audience_size"] == VIP)

        await eventually(estimated, timeout=60, interval=0.3, what="the import to be stored")

        created = await api.call(
            "POST",
            "/v1/campaigns",
            json={
                "name": "E2E",
                "connection_id": connection,
                "audience": audience,
                "content": {"kind": "text", "text": "Hello, {name} from {city}!"},
            },
            headers={"Idempotency-Key": f"e2e-{tenant}"},
        )
        campaign_id = created["campaign_id"]

        async def finished() -> dict[str, Any] | None:
            found = await api.campaign(campaign_id)
            return found if found["status"] == "completed" else None

        campaign = await eventually(
            finished, timeout=180, interval=0.5, what="the campaign to complete"
        )
        report = await api.call("GET", f"/v1/campaigns/{campaign_id}/report.csv")

    progress = campaign["progress"]
    assert progress["audience_size"] == VIP
    assert progress["delivered"] == VIP - BLOCKED
    assert progress["failed"] == BLOCKED
    assert progress["remaining"] == 0
    assert campaign["failure_reasons"] == [
        {
            "status": "failed",
            "error_code": "403",
            "error_reason": "Forbidden: bot was blocked by the user",
            "count": BLOCKED,
        }
    ]

    calls = await telegram.calls(method="sendMessage")
    per_chat = Counter(str(call["recipient"]) for call in calls)
    assert set(per_chat) == {str(700000 + n) for n in range(1, VIP + 1)}
    assert set(per_chat.values()) == {1}, "a recipient got more than one message"
    sent = {str(c["recipient"]): c for c in calls if c["status"] == 200}
    assert len(sent) == VIP - BLOCKED
    assert sent["700100"]["params"]["text"] == "Hello, Person 100 from City 2!"

    rows = list(csv.DictReader(io.StringIO(report)))
    assert len(rows) == VIP
    by_recipient = {row["recipient"]: row for row in rows}
    for chat, call in sent.items():
        row = by_recipient[chat]
        assert row["status"] == "sent"
        assert row["platform_message_id"] == str(call["response"]["result"]["message_id"])
        assert row["sent_at"]
    for chat in blocked:
        assert by_recipient[chat]["status"] == "failed"
        assert by_recipient[chat]["error_reason"] == "Forbidden: bot was blocked by the user"
