"""The API fuzzed from its own OpenAPI document (schemathesis), valid and invalid
requests alike, against a campaign-api process on the real broker and database:
no request gets a 5xx, and every 4xx says what to fix."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import schemathesis
from campaign_api.app import create_app
from campaign_api.settings import Settings
from schemathesis import GenerationMode
from test_support.processes import ServiceProcess
from test_support.system import free_port

from .conftest import BOT_TOKEN, PLATFORM_KEY, Api

schema = schemathesis.openapi.from_dict(create_app(Settings()).openapi())
schema.config.generation.update(modes=list(GenerationMode), max_examples=30)


@dataclass(frozen=True)
class Target:
    url: str
    admin: str


@pytest.fixture(scope="module")
async def target(api: Api, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Target]:
    """A campaign-api process of its own beside the in-process one (same database
    and broker), and a tenant with a connection and a template to aim at."""
    port = free_port()
    process = ServiceProcess(
        "campaign-api-fuzzed",
        "campaign_api",
        port,
        env={
            "DATABASE_URL": api.database_url,
            "RABBITMQ_URL": api.rabbitmq_url,
            "PLATFORM_API_KEY": PLATFORM_KEY,
            "CAMPAIGN_API_PORT": str(port),
            "ESTIMATE_TIMEOUT_SECONDS": "5",
        },
        log_dir=Path(tmp_path_factory.mktemp("fuzz")),
    )
    process.start()
    try:
        await process.wait_healthy()
        async with httpx.AsyncClient(base_url=process.base_url) as client:
            platform = {"Authorization": f"Bearer {PLATFORM_KEY}"}
            await client.put("/v1/tenants/fuzz", json={"plan": "paid"}, headers=platform)
            made = await client.post(
                "/v1/tenants/fuzz/api-keys", json={"role": "admin"}, headers=platform
            )
            admin = made.json()["key"]
            headers = {"Authorization": f"Bearer {admin}"}
            await client.put(
                "/v1/connections/tg-main",
                json={"channel": "telegram_bot", "credentials": {"token": BOT_TOKEN}},
                headers=headers,
            )
            await client.post(
                "/v1/templates",
                json={"name": "promo", "steps": [{"content": {"kind": "text", "text": "Hi"}}]},
                headers=headers,
            )
        yield Target(url=process.base_url, admin=admin)
    finally:
        process.stop()


@schema.parametrize()
def test_no_request_gets_a_5xx_and_every_4xx_says_what_to_fix(
    case: schemathesis.Case, target: Target
) -> None:
    key = PLATFORM_KEY if case.path.startswith("/v1/tenants") else target.admin
    response = case.call(base_url=target.url, headers={"Authorization": f"Bearer {key}"})
    what = f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:300]}"
    assert response.status_code < 500, what
    if response.status_code >= 400:
        detail = response.json().get("detail")
        assert isinstance(detail, str), what
        assert len(detail) >= 12, f"a 4xx must say what to fix: {what}"
