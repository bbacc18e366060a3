"""The scheduler: handlers plus the release loop."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from contracts.base import utc_now
from contracts.names import RoutingKey
from service_kit.runtime import ServiceRuntime
from service_kit.subscribers import routers_of
from starlette.applications import Starlette

from .gauges import GaugeSampler
from .handlers import Handlers
from .metrics import SchedulerMetrics
from .releaser import Releaser
from .settings import Settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


PUBLISHES = (
    RoutingKey.AUDIENCE_SNAPSHOT,
    RoutingKey.CAMPAIGN_STARTED,
    RoutingKey.CAMPAIGN_COMPLETED,
    RoutingKey.CAMPAIGN_CANCELLED,
    RoutingKey.CAMPAIGN_PAUSED,
    RoutingKey.CAMPAIGN_RESUMED,
    RoutingKey.COMPOSE,
    RoutingKey.DISPATCH_SEND,
    RoutingKey.DELIVERY_REPORTED,
)


def create_app(
    settings: Settings | None = None, *, clock: Callable[[], datetime] = utc_now
) -> Starlette:
    """`clock`: the time a campaign held for a rate's next allowance goes by (a
    test's own; due times and slots go by the database's clock)."""
    settings = settings or Settings()
    runtime = ServiceRuntime("scheduler", settings, schema="scheduler", migrations=MIGRATIONS)
    metrics = SchedulerMetrics(runtime.registry)
    releaser = Releaser(runtime, settings, metrics, clock)
    handlers = Handlers(runtime, releaser, metrics)
    runtime.include(*routers_of(handlers))
    runtime.publishes(*PUBLISHES)
    gauges = GaugeSampler(runtime, settings, metrics)
    runtime.on_started(releaser.start)
    runtime.on_started(gauges.start)
    runtime.on_stopping(gauges.stop)
    runtime.on_stopping(releaser.stop)
    app = runtime.worker_app()
    app.state.runtime = runtime
    app.state.releaser = releaser
    app.state.gauges = gauges
    return app
