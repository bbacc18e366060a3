"""The whole system, each service its own process, against the platform simulators."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from platform_sim.client import RunningSimulators, start_simulators
from playwright.async_api import Browser
from test_support.browser import chromium
from test_support.infrastructure import (
    Infrastructure,
    create_fresh_database,
    delete_queues,
    drop_database,
    known_queues,
)
from test_support.system import RunningSystem, running_system


@dataclass
class World:
    system: RunningSystem
    sims: RunningSimulators
    rabbitmq_url: str
    database_url: str
    log_dir: Path


@pytest.fixture(scope="session")
async def world(
    infrastructure: Infrastructure, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[World]:
    rabbitmq_url = infrastructure.rabbitmq_url()
    database_url = await create_fresh_database(infrastructure.postgres_url(), prefix="e2e")
    await delete_queues(rabbitmq_url, known_queues())
    sims = await start_simulators(telegram=0, whatsapp=0, instagram=0, openai=0, latency_ms=1)
    env = {
        "TELEGRAM_API_BASE": sims.base_url("telegram"),
        "WHATSAPP_API_BASE": sims.base_url("whatsapp"),
        "INSTAGRAM_API_BASE": sims.base_url("instagram"),
        "COMPOSER_OPENAI_BASE_URL": sims.base_url("openai"),
        "COMPOSER_OPENAI_API_KEY": "sk-e2e",
        "SNAPSHOT_LEAD_SECONDS": "1",
        "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES": "true",  # the webhooks' test receivers are local
    }
    log_dir = Path(tmp_path_factory.mktemp("logs"))
    try:
        async with running_system(
            database_url=database_url, rabbitmq_url=rabbitmq_url, log_dir=log_dir, env=env
        ) as system:
            yield World(
                system=system,
                sims=sims,
                rabbitmq_url=rabbitmq_url,
                database_url=database_url,
                log_dir=log_dir,
            )
    finally:
        await sims.close()
        await delete_queues(rabbitmq_url, known_queues())
        await drop_database(database_url)


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """Debian's chromium, driven by Playwright, for the console's tests."""
    async with chromium() as found:
        yield found
