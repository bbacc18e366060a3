"""The audience-resolver worker: consumers, /health and /metrics."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from contracts.audience import (
    AudienceEstimateRequestedV1,
    AudienceListCloseRequestedV1,
    AudienceListUploadedV1,
    AudienceSnapshotRequestedV1,
    ContactsImportedV1,
    ContactUpsertedV1,
    MessageInboundV1,
)
from contracts.names import DIALOGS_EXCHANGE, INTERNAL_EXCHANGE, Queue, RoutingKey
from contracts.tenants import TenantUpdatedV1
from service_kit.consumers import Subscription
from service_kit.runtime import ServiceRuntime

from .handlers import Handlers, dead_letter_refused_values
from .metrics import ResolverMetrics
from .settings import Settings

if TYPE_CHECKING:
    from starlette.applications import Starlette

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _campaign(event: AudienceSnapshotRequestedV1) -> dict[str, Any]:
    return {"campaign_id": str(event.campaign_id), "tenant_id": event.tenant_id}


def _tenant(
    event: ContactUpsertedV1 | MessageInboundV1 | AudienceEstimateRequestedV1 | TenantUpdatedV1,
) -> dict[str, Any]:
    return {"tenant_id": event.tenant_id}


def _list(event: AudienceListUploadedV1 | AudienceListCloseRequestedV1) -> dict[str, Any]:
    return {"tenant_id": event.tenant_id, "list_id": str(event.list_id)}


def _import(batch: ContactsImportedV1) -> dict[str, Any]:
    return {"tenant_id": batch.tenant_id, "import_id": batch.import_id, "batch_no": batch.batch_no}


def _subscriptions(handlers: Handlers, settings: Settings) -> list[Subscription[Any]]:
    return [
        Subscription(
            queue=Queue.RESOLVER_TENANTS,
            model=TenantUpdatedV1,
            handle=handlers.on_tenant_updated,
            exchange=INTERNAL_EXCHANGE,
            routing_key=RoutingKey.TENANT_UPDATED,
            log_fields=_tenant,
        ),
        Subscription(
            queue=Queue.RESOLVER_CONTACT_UPSERTED,
            model=ContactUpsertedV1,
            handle=handlers.on_contact_upserted,
            exchange=DIALOGS_EXCHANGE,
            routing_key=RoutingKey.CONTACT_UPSERTED,
            log_fields=_tenant,
        ),
        Subscription(
            queue=Queue.RESOLVER_MESSAGE_INBOUND,
            model=MessageInboundV1,
            handle=handlers.on_message_inbound,
            exchange=DIALOGS_EXCHANGE,
            routing_key=RoutingKey.MESSAGE_INBOUND,
            log_fields=_tenant,
        ),
        Subscription(
            queue=Queue.RESOLVER_CONTACTS_IMPORTED,
            model=ContactsImportedV1,
            handle=handlers.on_contacts_imported,
            exchange=INTERNAL_EXCHANGE,
            routing_key=RoutingKey.CONTACTS_IMPORTED,
            prefetch=settings.import_concurrency,
            log_fields=_import,
        ),
        Subscription(
            queue=Queue.RESOLVER_SNAPSHOT,
            model=AudienceSnapshotRequestedV1,
            handle=handlers.on_snapshot_requested,
            exchange=INTERNAL_EXCHANGE,
            routing_key=RoutingKey.AUDIENCE_SNAPSHOT,
            prefetch=settings.snapshot_concurrency,
            log_fields=_campaign,
        ),
        Subscription(
            queue=Queue.RESOLVER_ESTIMATE,
            model=AudienceEstimateRequestedV1,
            handle=handlers.on_estimate_requested,
            exchange=INTERNAL_EXCHANGE,
            routing_key=RoutingKey.AUDIENCE_ESTIMATE,
            log_fields=_tenant,
        ),
        Subscription(
            queue=Queue.RESOLVER_LIST_UPLOADED,
            model=AudienceListUploadedV1,
            handle=handlers.on_list_uploaded,
            exchange=INTERNAL_EXCHANGE,
            routing_key=RoutingKey.AUDIENCE_LIST_UPLOADED,
            prefetch=settings.import_concurrency,
            log_fields=_list,
        ),
        Subscription(
            queue=Queue.RESOLVER_LIST_CLOSE,
            model=AudienceListCloseRequestedV1,
            handle=handlers.on_list_close,
            exchange=INTERNAL_EXCHANGE,
            routing_key=RoutingKey.AUDIENCE_LIST_CLOSE,
            log_fields=_list,
        ),
    ]


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()
    runtime = ServiceRuntime(
        "audience-resolver",
        settings,
        schema="audience",
        migrations=MIGRATIONS_DIR,
    )
    handlers = Handlers(runtime, ResolverMetrics(runtime.registry))
    for subscription in _subscriptions(handlers, settings):
        subscription.handle = dead_letter_refused_values(subscription.handle)
        runtime.subscribe(subscription)
    app = runtime.worker_app()
    app.state.runtime = runtime
    return app
