"""A dispatcher service, wired: the runtime, its handlers, and the Dispatcher."""

from __future__ import annotations

import socket
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from contracts.audience import MessageInboundV1
from contracts.base import MESSENGER_OF, utc_now
from contracts.names import (
    DIALOGS_EXCHANGE,
    DispatcherName,
    RoutingKey,
    dispatcher_queue,
)
from service_kit.runtime import ServiceRuntime
from service_kit.sealing import seal_stored
from service_kit.secrets import SecretBox
from service_kit.subscribers import Binding, routers_of, subscribe
from starlette.applications import Starlette

from .dispatcher import Dispatcher
from .inbound import InboundLog
from .ports import ClientFactory, Clock, Policy
from .repo import CREDENTIALS, MIGRATIONS, Pool, PoolSource
from .settings import DispatchSettings

PolicyFactory = Callable[[PoolSource], Sequence[Policy]]
"""Builds policies that read the dispatcher's tables (the pool opens at start-up)."""


def build_dispatcher_app(
    *,
    name: DispatcherName,
    channels: Sequence[str],
    settings: DispatchSettings,
    migrations: Path | None,
    client_factory: ClientFactory,
    policies: Sequence[Policy] | PolicyFactory,
    track_inbound: bool = False,
    clock: Clock = utc_now,
    port: int | None = None,
) -> Starlette:
    """A dispatcher's ASGI app: `/health`, `/metrics`, and the service in its lifespan.

    With `track_inbound`, it consumes `message.inbound.v1` into its `InboundLog`
    (`app.state.inbound`), which policies built by a `PolicyFactory` can read.
    `clock`: the time the policies and outcomes go by (a test's own); `port`: the
    service's HTTP port, part of its default lease holder id (`holder_id`).
    `StartupRefused` without `SECRETS_KEYS` (outside development)."""
    service = f"dispatcher-{name}"
    box = SecretBox.from_settings(settings)
    runtime = _runtime(service, settings, migrations, box)

    def pool() -> Pool:
        return runtime.pool

    dispatcher = Dispatcher(
        runtime,
        name=name,
        channels=channels,
        client_factory=client_factory,
        policies=policies(pool) if callable(policies) else policies,
        box=box,
        clock=clock,
        lease_seconds=settings.dispatch_lease_seconds,
        inbox_poll_seconds=settings.dispatch_inbox_poll_seconds,
        holder_id=holder_id(settings, service, port),
        connection_labels=settings.metrics_connection_labels,
        sample_seconds=settings.metrics_sample_seconds,
    )
    runtime.include(*routers_of(dispatcher))
    inbound = InboundLog(pool) if track_inbound else None
    if inbound is not None:
        subscribe(runtime.broker, _inbound_binding(name), _inbound_recorder(channels, inbound))
    runtime.publishes(RoutingKey.DELIVERY_REPORTED)
    runtime.publishes(RoutingKey.CONNECTION_STATE)
    runtime.on_started(dispatcher.start)
    runtime.on_stopping(dispatcher.stop)
    app = runtime.worker_app()
    app.state.runtime = runtime
    app.state.dispatcher = dispatcher
    app.state.inbound = inbound
    return app


def holder_id(settings: DispatchSettings, service: str, port: int | None) -> str:
    """`DISPATCH_HOLDER_ID`, else this slot: host name, service and port (two live
    processes on one host cannot listen on one port; see `service_kit.runner`)."""
    return settings.dispatch_holder_id or f"{socket.gethostname()}/{service}:{port}"


def _runtime(
    service: str, settings: DispatchSettings, migrations: Path | None, box: SecretBox
) -> ServiceRuntime:
    """The service's runtime on its own schema, with dispatch-core's migrations
    before its own; once connected, it seals stored credentials with the newest key."""
    runtime = ServiceRuntime(
        service,
        settings,
        schema=service.replace("-", "_"),
        migrations=migrations,
        library_migrations=[("dispatch-core", MIGRATIONS)],
    )

    async def seal() -> None:
        await seal_stored(runtime.pool, box, CREDENTIALS)

    runtime.on_connected(seal)
    return runtime


def _inbound_binding(name: DispatcherName) -> Binding:
    return Binding(dispatcher_queue(name, "inbound"), DIALOGS_EXCHANGE, RoutingKey.MESSAGE_INBOUND)


def _inbound_recorder(
    channels: Sequence[str], inbound: InboundLog
) -> Callable[[MessageInboundV1], Awaitable[None]]:
    """Every inbound message of the platform arrives; those of another messenger
    are dropped here, those of connections this dispatcher does not serve by SQL."""
    messengers = {MESSENGER_OF[channel] for channel in channels}

    async def record(event: MessageInboundV1) -> None:
        if event.channel is None or event.channel in messengers:
            await inbound.record(event)

    return record
