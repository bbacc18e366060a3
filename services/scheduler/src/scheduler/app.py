"""The scheduler: consumers plus the release loop."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from contracts.audience import AudienceSnapshottedV1, RecipientsResolvedV1
from contracts.base import utc_now
from contracts.dispatch import DeliveriesReportedV1
from contracts.names import INTERNAL_EXCHANGE, Queue, RoutingKey
from contracts.scheduling import CampaignCancelRequestedV1, CampaignScheduledV1
from contracts.tenants import TenantUpdatedV1
from service_kit.consumers import Subscription
from service_kit.runtime import ServiceRuntime
from starlette.applications import Starlette

from .handlers import Handlers
from .metrics import SchedulerMetrics
from .releaser import Releaser
from .settings import Settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _campaign_id(event: Any) -> dict[str, str]:
    return {"campaign_id": str(event.campaign_id)}


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
    subscriptions: list[Subscription[Any]] = [
        Subscription(
            queue=Queue.SCHEDULER_TENANTS,
            model=TenantUpdatedV1,
            handle=handlers.on_tenant_updated,
            routing_key=RoutingKey.TENANT_UPDATED,
        ),
        Subscription(
            queue=Queue.SCHEDULER_CAMPAIGN_SCHEDULED,
            model=CampaignScheduledV1,
            handle=handlers.on_campaign_scheduled,
            routing_key=RoutingKey.CAMPAIGN_SCHEDULED,
            log_fields=_campaign_id,
        ),
        Subscription(
            queue=Queue.SCHEDULER_CAMPAIGN_CANCEL,
            model=CampaignCancelRequestedV1,
            handle=handlers.on_cancel,
            routing_key=RoutingKey.CAMPAIGN_CANCEL,
            log_fields=_campaign_id,
        ),
        Subscription(
            queue=Queue.SCHEDULER_RECIPIENTS,
            model=RecipientsResolvedV1,
            handle=handlers.on_recipients,
            routing_key=RoutingKey.RECIPIENTS_RESOLVED,
            log_fields=_campaign_id,
        ),
        Subscription(
            queue=Queue.SCHEDULER_AUDIENCE_SNAPSHOTTED,
            model=AudienceSnapshottedV1,
            handle=handlers.on_snapshotted,
            routing_key=RoutingKey.AUDIENCE_SNAPSHOTTED,
            log_fields=_campaign_id,
        ),
        Subscription(
            queue=Queue.SCHEDULER_DELIVERIES,
            model=DeliveriesReportedV1,
            handle=handlers.on_deliveries,
            routing_key=RoutingKey.DELIVERY_REPORTED,
            prefetch=16,
        ),
    ]
    for subscription in subscriptions:
        subscription.exchange = INTERNAL_EXCHANGE
        runtime.subscribe(subscription)
    runtime.on_started(releaser.start)
    runtime.on_stopping(releaser.stop)
    app = runtime.worker_app()
    app.state.runtime = runtime
    app.state.releaser = releaser
    return app
