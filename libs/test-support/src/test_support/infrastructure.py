"""Where the real broker and database are, and fresh, isolated pieces of them."""

from __future__ import annotations

import os
import uuid
from contextlib import ExitStack
from urllib.parse import urlsplit, urlunsplit

import aio_pika
import asyncpg
import pytest
from contracts.names import Queue, dead_letter_queue


class InfrastructureMissing(RuntimeError):
    pass


def _docker_answers() -> bool:
    try:
        import docker  # testcontainers depends on it

        client = docker.from_env()
        client.ping()
    except Exception:
        return False
    return True


def _unavailable(what: str) -> None:
    message = (
        f"no {what}: set RABBITMQ_URL and DATABASE_URL to a running RabbitMQ and "
        "PostgreSQL, or start a Docker engine for testcontainers"
    )
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


class Infrastructure:
    """The broker and database for this test session (containers are started once)."""

    def __init__(self) -> None:
        self._stack = ExitStack()
        self._rabbitmq: str | None = os.environ.get("RABBITMQ_URL")
        self._postgres: str | None = os.environ.get("DATABASE_URL")

    def rabbitmq_url(self) -> str:
        if self._rabbitmq is None:
            if not _docker_answers():
                _unavailable("RabbitMQ")
            from testcontainers.rabbitmq import RabbitMqContainer

            container = self._stack.enter_context(RabbitMqContainer("rabbitmq:3.13"))
            host = container.get_container_host_ip()
            port = container.get_exposed_port(5672)
            self._rabbitmq = f"amqp://guest:guest@{host}:{port}/"
        return self._rabbitmq

    def postgres_url(self) -> str:
        if self._postgres is None:
            if not _docker_answers():
                _unavailable("PostgreSQL")
            from testcontainers.postgres import PostgresContainer

            container = self._stack.enter_context(
                PostgresContainer("postgres:16", username="postgres", password="postgres")
            )
            host = container.get_container_host_ip()
            port = container.get_exposed_port(5432)
            self._postgres = f"postgresql://postgres:postgres@{host}:{port}/campaigns"
        return self._postgres

    def close(self) -> None:
        self._stack.close()


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


async def create_fresh_database(base_url: str, prefix: str = "test") -> str:
    """A new, empty database beside the one `base_url` names; returns its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(with_database(base_url, "postgres"))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return with_database(base_url, name)


async def drop_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    admin = await asyncpg.connect(with_database(url, "postgres"))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def known_queues() -> list[str]:
    names = [value for key, value in vars(Queue).items() if key.isupper()]
    for dispatcher in ("telegram", "whatsapp", "instagram"):
        names += [f"dispatcher-{dispatcher}.connections", f"dispatcher-{dispatcher}.cancellations"]
        names += [f"dispatcher-{dispatcher}.inbound", f"dispatcher-{dispatcher}.connection-checks"]
    return names


async def delete_queues(rabbitmq_url: str, names: list[str]) -> None:
    """Delete queues and their dead-letter queues, so no test sees another's messages."""
    connection = await aio_pika.connect(rabbitmq_url)
    try:
        channel = await connection.channel()
        for name in names:
            await channel.queue_delete(name)
            await channel.queue_delete(dead_letter_queue(name))
    finally:
        await connection.close()
