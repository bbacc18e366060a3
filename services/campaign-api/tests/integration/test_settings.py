"""The tenant's settings (`GET`/`PATCH /v1/settings`) and the quiet hours a
campaign is accepted with: its own (even none), else the tenant's, carried to the
scheduler in campaign.scheduled.v1."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aio_pika
import pytest
from contracts.names import INTERNAL_EXCHANGE, RoutingKey
from test_support.waiting import eventually

from .conftest import Api, Tenant

pytestmark = pytest.mark.integration

NIGHT = {"start": "21:00", "end": "09:00"}
DEFAULTS = {
    "quiet_hours": None,
    "timezone": "UTC",
    "auto_pause": {"failure_ratio": 0.2, "window": 200},
}


async def test_defaults_then_what_the_admin_sets(api: Api, tenant: Tenant) -> None:
    shown = await api.call(tenant.operator, "GET", "/v1/settings", expect=200)
    assert shown.json() == DEFAULTS
    body = {"quiet_hours": NIGHT, "timezone": "Europe/Berlin"}
    changed = await api.call(tenant.admin, "PATCH", "/v1/settings", json=body, expect=200)
    assert changed.json() == {**DEFAULTS, **body}
    # a field left out keeps its value; auto_pause is stored and shown
    pause = {"auto_pause": {"failure_ratio": 0.5, "window": 50}}
    await api.call(tenant.admin, "PATCH", "/v1/settings", json=pause, expect=200)
    shown = await api.call(tenant.operator, "GET", "/v1/settings", expect=200)
    assert shown.json() == {**DEFAULTS, **body, **pause}
    # null removes the quiet hours
    await api.call(tenant.admin, "PATCH", "/v1/settings", json={"quiet_hours": None}, expect=200)
    shown = await api.call(tenant.admin, "GET", "/v1/settings", expect=200)
    assert shown.json()["quiet_hours"] is None
    assert shown.json()["timezone"] == "Europe/Berlin"


async def test_an_unknown_time_zone_is_named(api: Api, tenant: Tenant) -> None:
    body = {"timezone": "Mars/Olympus_Mons"}
    refused = await api.call(tenant.admin, "PATCH", "/v1/settings", json=body, expect=422)
    assert refused.json()["code"] == "unknown_timezone"
    assert refused.json()["detail"].startswith("timezone: unknown time zone 'Mars/Olympus_Mons'")


async def test_only_an_admin_changes_them(api: Api, tenant: Tenant) -> None:
    refused = await api.call(
        tenant.operator, "PATCH", "/v1/settings", json={"timezone": "Asia/Tokyo"}, expect=403
    )
    assert "admin" in refused.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"quiet_hours": {"start": "25:00", "end": "09:00"}}, "quiet_hours.start"),
        ({"quiet_hours": {"start": "21:00"}}, "quiet_hours.end"),
        ({"auto_pause": {"failure_ratio": 1.5}}, "auto_pause.failure_ratio"),
        ({"quiet": NIGHT}, "quiet"),
    ],
)
async def test_bad_settings_name_the_field(
    api: Api, tenant: Tenant, body: dict[str, Any], field: str
) -> None:
    refused = await api.call(tenant.admin, "PATCH", "/v1/settings", json=body, expect=422)
    assert field in [e["field"] for e in refused.json()["errors"]], refused.json()
    shown = await api.call(tenant.admin, "GET", "/v1/settings", expect=200)
    assert shown.json() == DEFAULTS


@pytest.fixture
async def scheduled(api: Api) -> AsyncIterator[list[dict[str, Any]]]:
    """The campaign.scheduled.v1 events published while the test runs."""
    seen: list[dict[str, Any]] = []
    connection = await aio_pika.connect(api.rabbitmq_url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue("", exclusive=True)
        await queue.bind(INTERNAL_EXCHANGE, RoutingKey.CAMPAIGN_SCHEDULED)

        async def keep(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            async with message.process():
                seen.append(json.loads(message.body))

        await queue.consume(keep)
        yield seen


async def _scheduled_with(
    api: Api, tenant: Tenant, seen: list[dict[str, Any]], **fields: Any
) -> dict[str, Any]:
    body = {
        "connection_id": "tg-main",
        "audience": {"kind": "all"},
        "content": {"kind": "text", "text": "Hi {name}"},
        "start_at": "2098-01-01 00:00:00",
        **fields,
    }
    created = await api.call(tenant.admin, "POST", "/v1/campaigns", json=body, expect=201)
    campaign_id = created.json()["campaign_id"]

    async def found() -> dict[str, Any] | None:
        return next((e for e in seen if e["campaign_id"] == campaign_id), None)

    return await eventually(found, what="campaign.scheduled.v1")


async def test_a_campaign_carries_the_effective_quiet_hours(
    api: Api, tenant: Tenant, scheduled: list[dict[str, Any]]
) -> None:
    settings = {"quiet_hours": NIGHT, "timezone": "Asia/Tokyo"}
    await api.call(tenant.admin, "PATCH", "/v1/settings", json=settings, expect=200)
    tenants = await _scheduled_with(api, tenant, scheduled)
    assert (tenants["quiet_hours"], tenants["timezone"]) == (NIGHT, "Asia/Tokyo")
    lunch = {"start": "12:00", "end": "13:00"}
    own = await _scheduled_with(api, tenant, scheduled, quiet_hours=lunch)
    assert (own["quiet_hours"], own["timezone"]) == (lunch, "Asia/Tokyo")
    none = await _scheduled_with(api, tenant, scheduled, quiet_hours=None)
    assert none["quiet_hours"] is None
