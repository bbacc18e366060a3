"""The campaign-api: FastAPI for people and services, consumers for events."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from contracts.audience import AudienceSnapshottedV1, RecipientsResolvedV1
from contracts.campaigns import (
    CampaignCancelledV1,
    CampaignCompletedV1,
    CampaignRequestedV1,
    CampaignStartedV1,
)
from contracts.dispatch import DeliveriesReportedV1
from contracts.names import CAMPAIGNS_EXCHANGE, INTERNAL_EXCHANGE, Queue, RoutingKey
from fastapi import FastAPI
from service_kit.consumers import Subscription
from service_kit.runtime import ServiceRuntime
from service_kit.sealing import seal_stored
from service_kit.secrets import SecretBox

from .api import (
    api_keys,
    audience,
    campaigns,
    commands,
    connection_check,
    connections,
    contacts,
    lists,
    openapi,
    templates,
    tenants,
)
from .api.body_limit import BodyLimitMiddleware, BodyLimits, Limit
from .api.errors import install_error_handlers
from .auth import Authenticator
from .handlers import Handlers
from .repo.accounts import CREDENTIALS
from .resends import Resends
from .settings import Settings
from .submissions import Submissions
from .usecases.services import AppServices

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _campaign_id(event: object) -> dict[str, str]:
    return {"campaign_id": str(getattr(event, "campaign_id", ""))}


def _subscribe(runtime: ServiceRuntime, handlers: Handlers) -> None:
    runtime.subscribe(
        Subscription(
            queue=Queue.API_CAMPAIGN_REQUESTED,
            model=CampaignRequestedV1,
            handle=handlers.on_campaign_requested,
            exchange=CAMPAIGNS_EXCHANGE,
            routing_key=RoutingKey.CAMPAIGN_REQUESTED,
            on_invalid=handlers.on_invalid_campaign_request,
            log_fields=lambda e: {"request_id": e.request_id, "tenant_id": e.tenant_id},
        )
    )
    internal: list[Subscription[Any]] = [
        Subscription(
            queue=Queue.API_RECIPIENTS,
            model=RecipientsResolvedV1,
            handle=handlers.on_recipients,
            routing_key=RoutingKey.RECIPIENTS_RESOLVED,
        ),
        Subscription(
            queue=Queue.API_AUDIENCE_SNAPSHOTTED,
            model=AudienceSnapshottedV1,
            handle=handlers.on_snapshotted,
            routing_key=RoutingKey.AUDIENCE_SNAPSHOTTED,
        ),
        Subscription(
            queue=Queue.API_DELIVERIES,
            model=DeliveriesReportedV1,
            handle=handlers.on_deliveries,
            routing_key=RoutingKey.DELIVERY_REPORTED,
            prefetch=64,
        ),
    ]
    lifecycle: list[Subscription[Any]] = [
        Subscription(
            queue=Queue.API_CAMPAIGN_STARTED,
            model=CampaignStartedV1,
            handle=handlers.on_started,
            routing_key=RoutingKey.CAMPAIGN_STARTED,
        ),
        Subscription(
            queue=Queue.API_CAMPAIGN_COMPLETED,
            model=CampaignCompletedV1,
            handle=handlers.on_completed,
            routing_key=RoutingKey.CAMPAIGN_COMPLETED,
        ),
        Subscription(
            queue=Queue.API_CAMPAIGN_CANCELLED,
            model=CampaignCancelledV1,
            handle=handlers.on_cancelled,
            routing_key=RoutingKey.CAMPAIGN_CANCELLED,
        ),
    ]
    for exchange, subscriptions in ((INTERNAL_EXCHANGE, internal), (CAMPAIGNS_EXCHANGE, lifecycle)):
        for subscription in subscriptions:
            subscription.exchange = exchange
            subscription.log_fields = _campaign_id
            runtime.subscribe(subscription)


def body_limits(settings: Settings) -> BodyLimits:
    """Every body up to `MAX_JSON_BODY_BYTES`, but the calls that carry lists of up to a
    million ids (up to `MAX_ID_LIST_BODY_BYTES`) and the uploads that stream their body
    to disk as they read it (no limit)."""
    lists = Limit(
        settings.max_id_list_body_bytes,
        "MAX_ID_LIST_BODY_BYTES",
        "upload a longer list of ids with POST /v1/audience/lists (streamed) "
        "and give a campaign its list_id",
    )
    return BodyLimits(
        default=Limit(settings.max_json_body_bytes, "MAX_JSON_BODY_BYTES"),
        routes={
            ("POST", "/v1/campaigns"): lists,
            ("POST", "/v1/audience/estimate"): lists,
            ("POST", "/v1/commands"): lists,
            ("POST", "/v1/contacts/import"): None,
            ("POST", "/v1/audience/lists"): None,
        },
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service; `StartupRefused` without `SECRETS_KEYS` (outside development)."""
    settings = settings or Settings()
    box = SecretBox.from_settings(settings)
    runtime = ServiceRuntime("campaign-api", settings, schema="campaign_api", migrations=MIGRATIONS)
    submissions = Submissions(runtime, estimate_seconds=settings.estimate_timeout_seconds)
    _subscribe(runtime, Handlers(runtime, submissions))

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async def seal() -> None:
            await seal_stored(runtime.pool, box, CREDENTIALS)

        async def expose() -> None:
            app.state.services = AppServices(
                settings=settings,
                runtime=runtime,
                pool=runtime.pool,
                auth=Authenticator(runtime.pool, settings.platform_api_key),
                submissions=submissions,
                resends=Resends(runtime),
                box=box,
            )

        runtime.on_connected(seal)
        runtime.on_connected(expose)
        async with runtime.running():
            yield

    app = FastAPI(
        title="Broadcast campaigns",
        version="1.0.0",
        description="Campaigns to the people a tenant has dialogs with in Telegram, "
        "WhatsApp and Instagram.  Authenticate with `Authorization: Bearer <API key>`.",
        lifespan=lifespan,
        openapi_url="/openapi.json",
    )
    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, limits=body_limits(settings))
    for module in (
        tenants,
        api_keys,
        connections,
        contacts,
        audience,
        lists,
        campaigns,
        templates,
        commands,
    ):
        app.include_router(module.router)
    app.include_router(connection_check.router)
    app.router.routes.extend(runtime.routes())
    openapi.install(app)
    app.state.runtime = runtime
    return app
