"""One service process: its database pool, broker, handlers, outbox relay,
background loops, and the `/live`, `/health`, `/metrics` and AsyncAPI endpoints.

Start-up waits for PostgreSQL and RabbitMQ (up to `startup_timeout_seconds`),
migrates the service's schema, declares exchanges and dead-letter queues, starts
the consumers, then the relay and the background loops.  Shutdown runs in the
reverse order, so a loop never publishes into a stopped broker.

Workers and the HTTP API use the same runtime: the broker is started in the ASGI
lifespan (a Starlette app for workers, FastAPI for the API), which lets start-up
wait for the infrastructure and lets `/health` report what is really up.  `/live`
answers as long as the process does (a liveness probe: an outage of the database
or the broker must not restart every process); `/health` is the readiness check.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import asyncpg
from faststream.rabbit import RabbitBroker, RabbitRouter
from prometheus_client import CollectorRegistry, make_asgi_app
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Mount, Route

from . import asyncapi
from .broker_metrics import broker_metrics
from .database import create_pool
from .dead_letters import DeadLetterPolicy, declare_dead_letters
from .logs import BROKER_LOGGER, get_logger
from .metrics import ConsumerMetrics, service_registry
from .migrations import migrate
from .outbox import OutboxRelay
from .publishing import Publisher, declare_publishers
from .retry import TRANSIENT_ERRORS, retry_transient
from .settings import ServiceSettings
from .subscribers import Binding, subscribe
from .topology import declare_exchanges

if TYPE_CHECKING:
    from faststream.rabbit.subscriber import RabbitSubscriber

Hook = Callable[[], Awaitable[None]]

log = get_logger(__name__)

HEALTH_ERRORS: tuple[type[BaseException], ...] = (*TRANSIENT_ERRORS, RuntimeError)


class ServiceRuntime:
    def __init__(
        self,
        name: str,
        settings: ServiceSettings,
        *,
        schema: str,
        migrations: Path | None,
        library_migrations: Sequence[tuple[str, Path]] = (),
        registry: CollectorRegistry | None = None,
    ) -> None:
        self.name = name
        self.settings = settings
        self.schema = schema
        self.migrations = migrations
        self.library_migrations = library_migrations
        self.registry = registry or service_registry()
        self.broker = RabbitBroker(
            settings.rabbitmq_url,
            app_id=name,
            reconnect_interval=settings.rabbitmq_reconnect_seconds,
            graceful_timeout=15.0,
            logger=logging.getLogger(BROKER_LOGGER),
            log_level=logging.DEBUG,
            middlewares=[broker_metrics(self.registry, name)],
        )
        self.publisher = Publisher(self.broker)
        self.consumer_metrics = ConsumerMetrics(self.registry)
        self.broker.add_middleware(DeadLetterPolicy(self.broker, self.consumer_metrics))
        self._pool: asyncpg.Pool[Any] | None = None
        self._relay: OutboxRelay | None = None
        self._on_connected: list[Hook] = []
        self._on_started: list[Hook] = []
        self._on_stopping: list[Hook] = []
        self._health_checks: dict[str, Callable[[], bool]] = {}
        self.ready = False

    # wiring

    @property
    def pool(self) -> asyncpg.Pool[Any]:
        if self._pool is None:
            raise RuntimeError(f"{self.name}: the database pool is not open yet")
        return self._pool

    @property
    def outbox(self) -> OutboxRelay:
        if self._relay is None:
            raise RuntimeError(f"{self.name}: the outbox relay is not running yet")
        return self._relay

    def include(self, *routers: RabbitRouter) -> None:
        """The service's handlers (see `service_kit.subscribers.routers_of`)."""
        for router in routers:
            self.broker.include_router(router)

    def publishes(self, *routing_keys: str) -> None:
        """Declare the events the service publishes (its outbox's included), so its
        AsyncAPI document lists them."""
        declare_publishers(self.broker, routing_keys)

    @property
    def queues(self) -> list[str]:
        subscribers = cast("list[RabbitSubscriber]", self.broker.subscribers)
        return [subscriber.queue.name for subscriber in subscribers]

    async def subscribe_now(self, binding: Binding, handler: Callable[..., Any]) -> None:
        """Add a handler to the running broker (a queue learned of at run time)."""
        subscriber = subscribe(self.broker, binding, handler)
        await declare_dead_letters(self.broker, [subscriber.queue.name])
        await subscriber.start()

    def on_connected(self, hook: Hook) -> None:
        """Runs once the database is migrated and the broker connected, before any
        consumer starts: the place to build what handlers use."""
        self._on_connected.append(hook)

    def on_started(self, hook: Hook) -> None:
        """Runs once consumers and the outbox relay run: the place to start loops."""
        self._on_started.append(hook)

    def on_stopping(self, hook: Hook) -> None:
        self._on_stopping.append(hook)

    def add_health_check(self, name: str, check: Callable[[], bool]) -> None:
        """A check of the service's own (a background loop alive): `/health`
        answers 503 while it returns False."""
        self._health_checks[name] = check

    # life

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        deadline = time.monotonic() + self.settings.startup_timeout_seconds
        self._pool = await _until_up(
            lambda: create_pool(
                self.settings.database_url,
                self.schema,
                application_name=self.name,
                max_size=self.settings.db_pool_size,
            ),
            "PostgreSQL",
            deadline,
        )
        try:
            await migrate(self._pool, self.schema, self.migrations, self.library_migrations)
            await _until_up(self.broker.connect, "RabbitMQ", deadline)
            await declare_exchanges(self.broker)
            await declare_dead_letters(self.broker, self.queues)
            self._relay = OutboxRelay(self._pool, self.publisher, self.registry)
            for hook in self._on_connected:
                await hook()
            await self.broker.start()
            self._relay.start()
            for hook in self._on_started:
                await hook()
            self.ready = True
            log.info("service started", queues=self.queues)
            yield
        finally:
            self.ready = False
            for hook in reversed(self._on_stopping):
                await hook()
            if self._relay is not None:
                await self._relay.stop()
            await self.broker.stop()
            await self._pool.close()
            log.info("service stopped")

    async def health(self) -> dict[str, Any]:
        checks: dict[str, bool] = {"started": self.ready}
        checks["rabbitmq"] = bool(await self.broker.ping(timeout=2.0))
        try:
            async with asyncio.timeout(2.0):
                checks["postgresql"] = await self.pool.fetchval("SELECT true") is True
        except HEALTH_ERRORS:
            checks["postgresql"] = False
        for name, check in self._health_checks.items():
            checks[name] = self.ready and check()
        return {"service": self.name, "ok": all(checks.values()), "checks": checks}

    # HTTP

    def routes(self) -> list[BaseRoute]:
        """`/live` (200 while the process answers), `/health` (503 until
        everything is up), `/metrics`, and the AsyncAPI document (`/asyncapi.json`,
        `/asyncapi.yaml`)."""

        async def live(_: Request) -> JSONResponse:
            return JSONResponse({"service": self.name, "live": True})

        async def health(_: Request) -> JSONResponse:
            report = await self.health()
            return JSONResponse(report, status_code=200 if report["ok"] else 503)

        return [
            Route("/live", live, methods=["GET"]),
            Route("/health", health, methods=["GET"]),
            Mount("/metrics", app=make_asgi_app(self.registry)),
            *asyncapi.routes(self.name, self.broker),
        ]

    def worker_app(self) -> Starlette:
        """The ASGI app of a worker: health and metrics, the runtime as its lifespan."""

        @contextlib.asynccontextmanager
        async def lifespan(_: Starlette) -> AsyncIterator[None]:
            async with self.running():
                yield

        return Starlette(routes=self.routes(), lifespan=lifespan)


async def _until_up(connect: Callable[[], Awaitable[Any]], what: str, deadline: float) -> Any:
    """`connect`'s result, retried while `what` is not up yet; a failure after
    `deadline` (`time.monotonic()`) is raised."""
    return await retry_transient(
        connect, what=f"connect to {what}", give_up_after=deadline - time.monotonic()
    )
