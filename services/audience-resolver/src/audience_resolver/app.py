"""The audience-resolver worker: handlers, /health and /metrics."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from contracts.names import RoutingKey
from service_kit.runtime import ServiceRuntime
from service_kit.subscribers import routers_of

from .handlers import Handlers
from .metrics import ResolverMetrics
from .settings import Settings

if TYPE_CHECKING:
    from starlette.applications import Starlette

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()
    runtime = ServiceRuntime(
        "audience-resolver",
        settings,
        schema="audience",
        migrations=MIGRATIONS_DIR,
    )
    handlers = Handlers(runtime, ResolverMetrics(runtime.registry), settings)
    runtime.include(*routers_of(handlers))
    runtime.publishes(RoutingKey.RECIPIENTS_RESOLVED, RoutingKey.AUDIENCE_SNAPSHOTTED)
    app = runtime.worker_app()
    app.state.runtime = runtime
    return app
