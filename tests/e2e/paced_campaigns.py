"""Paced campaigns the pause and cancel tests hold, let go on or stop: a tenant, a Telegram
connection with its own bot token, AUDIENCE people and a campaign to them 0.2 s
apart; and waiting for one to show paused."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from test_support.api_client import CampaignApi
from test_support.waiting import eventually

from .conftest import World

AUDIENCE = 30


async def paced_campaign(
    world: World, api: CampaignApi, token: str, first_id: int, **extra: Any
) -> str:
    """A connection with `token`, AUDIENCE people from `first_id`, and a campaign
    to them 0.2 s apart starting in two seconds (`extra` adds to or overrides the
    request's fields): its id."""
    connection = f"tg-{first_id}"
    await api.call(
        "PUT",
        f"/v1/connections/{connection}",
        json={"channel": "telegram_bot", "credentials": {"token": token}},
    )
    label = f"auto{first_id}"
    rows = [f"{connection},{first_id + n},Person {n},{label}" for n in range(AUDIENCE)]
    await api.import_contacts("connection_id,external_id,name,labels\n" + "\n".join(rows) + "\n")
    audience = {"kind": "filter", "connection_ids": [connection], "labels_any": [label]}
    await api.until_estimated(audience, AUDIENCE)
    start = (datetime.now(UTC) + timedelta(seconds=2)).strftime("%Y-%m-%d %H:%M:%S UTC")
    created = await api.call(
        "POST",
        "/v1/campaigns",
        json={
            "connection_id": connection,
            "audience": audience,
            "content": {"kind": "text", "text": "Hi {name}"},
            "interval_seconds": 0.2,
            "start_at": start,
            **extra,
        },
    )
    campaign_id: str = created["campaign_id"]
    return campaign_id


async def paused(api: CampaignApi, campaign_id: str, timeout: float = 60) -> dict[str, Any]:
    """The campaign once it shows paused, within `timeout` seconds."""

    async def found() -> dict[str, Any] | None:
        campaign = await api.campaign(campaign_id)
        return campaign if campaign["status"] == "paused" else None

    campaign: dict[str, Any] = await eventually(found, timeout=timeout, interval=0.2, what="paused")
    return campaign


async def new_tenant(world: World) -> str:
    async with CampaignApi(world.system.api_url, world.system.platform_key) as platform:
        return await platform.create_tenant(
            f"auto-{uuid.uuid4().hex[:6]}", subscription_ends_at="2099-01-01T00:00:00Z"
        )
