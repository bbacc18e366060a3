"""The composer's store on a real PostgreSQL: one migrated database for the
session (tests keep apart by campaign), and composers built on it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import asyncpg
import pytest
from ai_composer.app import MIGRATIONS
from ai_composer.backends.base import Backend
from ai_composer.composer import Composer
from ai_composer.metrics import ComposerMetrics
from service_kit.database import create_pool
from service_kit.migrations import migrate
from test_support.infrastructure import Infrastructure, create_fresh_database, drop_database

SCHEMA = "ai_composer"
ComposerFactory = Callable[..., Composer]


@pytest.fixture(scope="session")
async def pool(infrastructure: Infrastructure) -> AsyncIterator[asyncpg.Pool[Any]]:
    url = await create_fresh_database(infrastructure.postgres_url(), prefix="composer_test")
    database: asyncpg.Pool[Any] = await create_pool(url, SCHEMA, application_name="tests")
    await migrate(database, SCHEMA, MIGRATIONS)
    yield database
    await database.close()
    await drop_database(url)


@pytest.fixture
def composer(pool: asyncpg.Pool[Any], metrics: ComposerMetrics) -> ComposerFactory:
    """`composer(backend, max_attempts=2)`: a composer on the test database."""

    def make(backend: Backend, **options: Any) -> Composer:
        settings: dict[str, Any] = {"max_attempts": 3, "chunk_size": 50, "chunk_seconds": 0.05}
        settings.update(options)
        return Composer(lambda: pool, backend, metrics, **settings)

    return make
