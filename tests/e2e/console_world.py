"""A tenant for the console's browser tests: a Telegram bot connection and people to
send to, some of whom blocked the bot (their deliveries fail)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from test_support.api_client import CampaignApi

from .conftest import World

TOKEN = "623456789:AAE2Econsole-token-for-the-simulate"
"""A bot of its own: the simulator counts calls by bot, and other tests count theirs."""


@dataclass(frozen=True)
class ConsoleTenant:
    tenant_id: str
    admin_key: str
    connection: str
    label: str
    people: list[str]
    blocked: list[str]


async def console_tenant(world: World, people: int = 12, blocked: int = 3) -> ConsoleTenant:
    """A new tenant whose subscription ends in 5 days, with `people` dialogs labelled
    alike on one bot, the first `blocked` of whom blocked it."""
    suffix = uuid.uuid4().hex[:6]
    tenant, connection, label = f"console-{suffix}", f"tg-console-{suffix}", f"promo{suffix}"
    async with CampaignApi(world.system.api_url, world.system.platform_key) as platform:
        key = await platform.create_tenant(tenant, subscription_ends_at=days_from_now(5))
    base = 610000 + int(suffix, 16) % 10000 * 100
    ids = [str(base + n) for n in range(1, people + 1)]
    await world.sims.control("telegram").configure(rate_per_second=None)
    await world.sims.control("telegram").set_recipients(ids[:blocked], "blocked")
    async with CampaignApi(world.system.api_url, key) as api:
        await api.call(
            "PUT",
            f"/v1/connections/{connection}",
            json={"channel": "telegram_bot", "credentials": {"token": TOKEN}},
        )
        rows = [f"{connection},{pid},Person {n},{label}" for n, pid in enumerate(ids, 1)]
        await api.import_contacts("connection_id,external_id,name,labels\n" + "\n".join(rows))
        await api.until_estimated({"kind": "filter", "labels_any": [label]}, people)
    return ConsoleTenant(tenant, key, connection, label, ids, ids[:blocked])


def days_from_now(days: int) -> str:
    from datetime import UTC, datetime, timedelta

    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


async def extend_subscription(world: World, tenant: str, days: int) -> None:
    async with CampaignApi(world.system.api_url, world.system.platform_key) as platform:
        await platform.call(
            "PUT",
            f"/v1/tenants/{tenant}",
            json={"plan": "paid", "subscription_ends_at": days_from_now(days)},
        )


async def new_key(world: World, tenant: str, role: str) -> str:
    async with CampaignApi(world.system.api_url, world.system.platform_key) as platform:
        created = await platform.call("POST", f"/v1/tenants/{tenant}/api-keys", json={"role": role})
    key: str = created["key"]
    return key
