"""Pytest fixtures: `rabbitmq_url`, `database_url` (a fresh database per test),
`clean_queues` (the system's queues deleted before and after a test).  The
services a test run starts, in its process or as their own, seal credentials with
a key of the run's own (`SECRETS_KEYS`, unless the environment gives one).

Load with `pytest_plugins = ["test_support.fixtures"]` in a conftest."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import pytest

from .infrastructure import (
    Infrastructure,
    create_fresh_database,
    delete_queues,
    drop_database,
    known_queues,
)
from .secrets import new_secrets_key


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("SECRETS_KEYS", new_secrets_key())


@pytest.fixture(scope="session")
def infrastructure() -> Iterator[Infrastructure]:
    infra = Infrastructure()
    yield infra
    infra.close()


@pytest.fixture(scope="session")
def rabbitmq_url(infrastructure: Infrastructure) -> str:
    return infrastructure.rabbitmq_url()


@pytest.fixture
async def database_url(infrastructure: Infrastructure) -> AsyncIterator[str]:
    url = await create_fresh_database(infrastructure.postgres_url())
    yield url
    await drop_database(url)


@pytest.fixture
async def clean_queues(rabbitmq_url: str) -> AsyncIterator[None]:
    await delete_queues(rabbitmq_url, known_queues())
    yield
    await delete_queues(rabbitmq_url, known_queues())
