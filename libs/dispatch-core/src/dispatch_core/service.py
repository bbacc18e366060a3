"""A dispatcher service, wired: the runtime, its consumers, and the Dispatcher."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from contracts.names import INTERNAL_EXCHANGE, DispatcherName, RoutingKey, dispatcher_queue
from contracts.scheduling import CampaignCancelRequestedV1
from contracts.tenants import ConnectionUpdatedV1
from service_kit.consumers import Subscription
from service_kit.runtime import ServiceRuntime
from service_kit.settings import ServiceSettings
from starlette.applications import Starlette

from .dispatcher import Dispatcher
from .ports import ClientFactory, Policy
from .repo import MIGRATIONS


def build_dispatcher_app(
    *,
    name: DispatcherName,
    channels: Sequence[str],
    settings: ServiceSettings,
    migrations: Path,
    client_factory: ClientFactory,
    policies: Sequence[Policy],
) -> Starlette:
    """A dispatcher's ASGI app: `/health`, `/metrics`, and the service in its lifespan."""
    service = f"dispatcher-{name}"
    runtime = ServiceRuntime(
        service,
        settings,
        schema=service.replace("-", "_"),
        migrations=migrations,
        library_migrations=[("dispatch-core", MIGRATIONS)],
    )
    dispatcher = Dispatcher(
        runtime,
        name=name,
        channels=channels,
        client_factory=client_factory,
        policies=policies,
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
            queue=dispatcher_queue(name, "cancellations"),
            model=CampaignCancelRequestedV1,
            handle=dispatcher.on_cancel,
            exchange=INTERNAL_EXCHANGE,
            routing_key=RoutingKey.CAMPAIGN_CANCEL,
            log_fields=lambda e: {"campaign_id": str(e.campaign_id)},
        )
    )
    runtime.on_started(dispatcher.start)
    runtime.on_stopping(dispatcher.stop)
    app = runtime.worker_app()
    app.state.runtime = runtime
    app.state.dispatcher = dispatcher
    return app
