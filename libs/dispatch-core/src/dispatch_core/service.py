"""A dispatcher service, wired: the runtime, its consumers, and the Dispatcher."""

from __future__ import annotations

import socket
from collections.abc import Callable, Sequence
from pathlib import Path

from contracts.audience import MessageInboundV1
from contracts.base import MESSENGER_OF, utc_now
from contracts.names import (
    DIALOGS_EXCHANGE,
    INTERNAL_EXCHANGE,
    DispatcherName,
    RoutingKey,
    dispatcher_queue,
)
from contracts.scheduling import CampaignCancelRequestedV1
from contracts.tenants import ConnectionCheckedV1, ConnectionUpdatedV1
from service_kit.consumers import Subscription
from service_kit.runtime import ServiceRuntime
from service_kit.sealing import seal_stored
from service_kit.secrets import SecretBox
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
    runtime = ServiceRuntime(
        service,
        settings,
        schema=service.replace("-", "_"),
        migrations=migrations,
        library_migrations=[("dispatch-core", MIGRATIONS)],
    )

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
    )
    runtime.subscribe(
        Subscription(
            queue=dispatcher_queue(name, "connections"),
            model=ConnectionUpdatedV1,
            handle=dispatcher.on_connection_updated,
            exchange=INTERNAL_EXCHANGE,
            routing_key=RoutingKey.CONNECTION_UPDATED,
        )
    )
    runtime.subscribe(
        Subscription(
            queue=dispatcher_queue(name, "connection-checks"),
            model=ConnectionCheckedV1,
            handle=dispatcher.on_connection_checked,
            exchange=INTERNAL_EXCHANGE,
            routing_key=RoutingKey.CONNECTION_CHECKED,
            log_fields=lambda e: {"connection_id": e.connection_id},
        )
    )
    runtime.subscribe(
        Subscription(
            queue=dispatcher_queue(name, "cancellations"),
            model=CampaignCancelRequestedV1,
            handle=dispatcher.on_cancel,
            exchange=INTERNAL_EXCHANGE,
            routing_key=RoutingKey.CAMPAIGN_CANCEL,
            log_fields=lambda e: {"campaign_id": str(e.campaign_id)},
        )
    )
    inbound = InboundLog(pool) if track_inbound else None
    if inbound is not None:
        runtime.subscribe(_inbound_subscription(name, channels, inbound))

    async def seal() -> None:
        await seal_stored(runtime.pool, box, CREDENTIALS)

    runtime.on_connected(seal)
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


def _inbound_subscription(
    name: DispatcherName, channels: Sequence[str], inbound: InboundLog
) -> Subscription[MessageInboundV1]:
    """Every inbound message of the platform arrives; those of another messenger
    are dropped here, those of connections this dispatcher does not serve by SQL."""
    messengers = {MESSENGER_OF[channel] for channel in channels}

    async def record(event: MessageInboundV1) -> None:
        if event.channel is None or event.channel in messengers:
            await inbound.record(event)

    return Subscription(
        queue=dispatcher_queue(name, "inbound"),
        model=MessageInboundV1,
        handle=record,
        exchange=DIALOGS_EXCHANGE,
        routing_key=RoutingKey.MESSAGE_INBOUND,
        log_fields=lambda e: {"connection_id": e.connection_id},
    )
