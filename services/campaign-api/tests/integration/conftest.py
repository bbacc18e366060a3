"""The campaign-api in-process on the real RabbitMQ and PostgreSQL, with the
audience-resolver beside it as its own process (estimates and imports need it).

One API and one database serve this package's tests; tests keep apart by
creating a tenant of their own (`tenant` fixture).  Requests go through the
ASGI app itself (`httpx.ASGITransport`), so nothing listens on a port.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aio_pika
import httpx
import pytest
from campaign_api.app import create_app
from campaign_api.settings import Settings
from contracts.base import utc_now
from contracts.campaigns import CampaignCompletedV1
from contracts.names import CAMPAIGNS_EXCHANGE, RoutingKey
from fastapi import FastAPI
from platform_sim.client import RunningSimulators, start_simulators
from service_kit.publishing import encode
from test_support.infrastructure import (
    Infrastructure,
    create_fresh_database,
    delete_queues,
    drop_database,
    known_queues,
)
from test_support.system import SERVICES, running_system
from test_support.waiting import eventually

PLATFORM_KEY = "integration-platform-key"
BOT_TOKEN = "123456789:AAintegration-bot-token-00000000000"


@dataclass
class Api:
    """The running app and a way to call it with any key."""

    app: FastAPI
    database_url: str
    rabbitmq_url: str

    def client(self, key: str | None) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app),
            base_url="http://campaign-api",
            headers=headers,
            timeout=30.0,
        )

    async def call(
        self, key: str | None, method: str, path: str, *, expect: int | None = None, **kw: Any
    ) -> httpx.Response:
        async with self.client(key) as client:
            response = await client.request(method, path, **kw)
        if expect is not None:
            assert response.status_code == expect, f"{method} {path}: {response.text}"
        return response


@dataclass
class Tenant:
    """A tenant of the test's own, with an admin and an operator key."""

    id: str
    admin: str
    operator: str
    key_ids: dict[str, str] = field(default_factory=dict)
    """The id of each key (not the key), by role: what revoking one names."""


@pytest.fixture(scope="session")
async def sims() -> AsyncIterator[RunningSimulators]:
    """The platforms' simulators, which `POST /v1/connections/{id}/check` asks."""
    async with await start_simulators(openai=None) as running:
        yield running


@pytest.fixture(scope="session")
async def api(
    infrastructure: Infrastructure,
    tmp_path_factory: pytest.TempPathFactory,
    sims: RunningSimulators,
) -> AsyncIterator[Api]:
    rabbitmq_url = infrastructure.rabbitmq_url()
    database_url = await create_fresh_database(infrastructure.postgres_url(), prefix="api")
    await delete_queues(rabbitmq_url, known_queues())
    resolver = [s for s in SERVICES if s.name == "audience-resolver"]
    settings = Settings(
        rabbitmq_url=rabbitmq_url,
        database_url=database_url,
        platform_api_key=PLATFORM_KEY,
        estimate_timeout_seconds=10.0,
        telegram_api_base=sims.base_url("telegram"),
        whatsapp_api_base=sims.base_url("whatsapp"),
        instagram_api_base=sims.base_url("instagram"),
        connection_check_timeout_seconds=2.0,
        # webhooks to the tests' own receivers, retried within seconds
        webhooks_allow_private_addresses=True,
        webhook_retry_first_seconds=0.2,
        webhook_retry_longest_seconds=1.0,
        webhook_poll_seconds=0.1,
        webhook_timeout_seconds=3.0,
    )
    app = create_app(settings)
    log_dir = Path(tmp_path_factory.mktemp("logs"))
    try:
        async with (
            running_system(
                database_url=database_url,
                rabbitmq_url=rabbitmq_url,
                log_dir=log_dir,
                services=resolver,
            ),
            app.router.lifespan_context(app),
        ):
            yield Api(app=app, database_url=database_url, rabbitmq_url=rabbitmq_url)
    finally:
        await delete_queues(rabbitmq_url, known_queues())
        await drop_database(database_url)


async def new_tenant(api: Api, **fields: Any) -> Tenant:
    tenant_id = f"t-{uuid.uuid4().hex[:10]}"
    body = {"plan": "paid", "subscription_ends_at": "2099-01-01T00:00:00Z", **fields}
    await api.call(PLATFORM_KEY, "PUT", f"/v1/tenants/{tenant_id}", json=body, expect=201)
    keys, key_ids = {}, {}
    for role in ("admin", "operator"):
        created = await api.call(
            PLATFORM_KEY,
            "POST",
            f"/v1/tenants/{tenant_id}/api-keys",
            json={"role": role},
            expect=201,
        )
        keys[role] = created.json()["key"]
        key_ids[role] = created.json()["id"]
    return Tenant(id=tenant_id, admin=keys["admin"], operator=keys["operator"], key_ids=key_ids)


@pytest.fixture
async def tenant(api: Api) -> Tenant:
    """A new tenant with a Telegram bot connection `tg-main`."""
    found = await new_tenant(api)
    await api.call(
        found.admin,
        "PUT",
        "/v1/connections/tg-main",
        json={"channel": "telegram_bot", "credentials": {"token": BOT_TOKEN}},
        expect=201,
    )
    return found


async def complete(api: Api, tenant: Tenant, campaign_id: str, *, timeout: float = 30) -> None:
    """The campaign completes, as the scheduler tells it (`campaign.completed.v1`),
    and the API shows it completed."""
    event = CampaignCompletedV1(
        campaign_id=uuid.UUID(campaign_id),
        tenant_id=tenant.id,
        connection_id="tg-main",
        name="completed by the test",
        finished_at=utc_now(),
        report_path=f"/v1/campaigns/{campaign_id}/report.csv",
        audience_size=0,
        sent=0,
        failed=0,
        skipped=0,
        cancelled=0,
    )
    connection = await aio_pika.connect(api.rabbitmq_url)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.get_exchange(CAMPAIGNS_EXCHANGE)
        await exchange.publish(
            aio_pika.Message(encode(event), content_type="application/json"),
            RoutingKey.CAMPAIGN_COMPLETED,
        )

    async def done() -> bool:
        found = await api.call(tenant.admin, "GET", f"/v1/campaigns/{campaign_id}", expect=200)
        return bool(found.json()["status"] == "completed")

    await eventually(done, timeout=timeout, what="the campaign to be completed")


async def scheduled_campaign(
    api: Api, tenant: Tenant, external_ids: list[str], name: str | None = None
) -> uuid.UUID:
    """A text campaign on `tg-main` to `external_ids`, starting decades from now
    (so it stays scheduled), made by the tenant's admin."""
    body: dict[str, Any] = {
        "connection_id": "tg-main",
        "audience": {"kind": "list", "external_ids": external_ids},
        "content": {"kind": "text", "text": "Hi {name}"},
        "start_at": "2098-01-01 00:00:00",
    }
    if name is not None:
        body["name"] = name
    created = await api.call(tenant.admin, "POST", "/v1/campaigns", json=body, expect=201)
    return uuid.UUID(created.json()["campaign_id"])
