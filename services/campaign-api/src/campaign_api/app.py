"""The campaign-api: FastAPI for people and services, handlers for events."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from contracts.base import utc_now
from contracts.names import RoutingKey
from fastapi import FastAPI
from service_kit.dead_letters import AnswerInvalid
from service_kit.runtime import ServiceRuntime
from service_kit.sealing import seal_stored
from service_kit.secrets import SecretBox
from service_kit.subscribers import routers_of

from .api import (
    api_keys,
    audience,
    campaigns,
    commands,
    connection_check,
    connections,
    contacts,
    dialogs,
    lists,
    openapi,
    operator_groups,
    templates,
    tenants,
    webhooks,
)
from .api import settings as settings_api
from .api.body_limit import BodyLimitMiddleware, BodyLimits, Limit
from .api.errors import install_error_handlers
from .api.http_metrics import instrument
from .auth import Authenticator
from .console.routes import install_console
from .handlers import REQUESTS, Handlers
from .repo.accounts import CREDENTIALS
from .repo.operator_groups import SEALED_COLUMNS as OPERATOR_GROUP_SECRETS
from .resends import Resends
from .settings import Settings
from .submissions import Submissions
from .text_retention import TextRetention
from .usecases.services import AppServices
from .webhooks.metrics import WebhookMetrics
from .webhooks.sender import WebhookSender, sender_config
from .webhooks.store import SEALED_SECRETS as WEBHOOK_SECRETS

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


PUBLISHES = (
    RoutingKey.CAMPAIGN_ACCEPTED,
    RoutingKey.CAMPAIGN_REJECTED,
    RoutingKey.CAMPAIGN_SCHEDULED,
    RoutingKey.CAMPAIGN_CANCEL,
    RoutingKey.CAMPAIGN_PAUSE,
    RoutingKey.CAMPAIGN_RESUME,
    RoutingKey.TENANT_UPDATED,
    RoutingKey.CONNECTION_UPDATED,
    RoutingKey.CONNECTION_CHECKED,
    RoutingKey.CONTACTS_IMPORTED,
    RoutingKey.AUDIENCE_ESTIMATE,
    RoutingKey.AUDIENCE_LIST_UPLOADED,
    RoutingKey.AUDIENCE_LIST_CLOSE,
    RoutingKey.COMPOSE_SAMPLES,
    RoutingKey.OPERATOR_GROUP_LINKED,
    RoutingKey.DIALOG_TOPIC_BOUND,
)


def _wire(runtime: ServiceRuntime, handlers: Handlers) -> None:
    answer = AnswerInvalid(handlers.on_invalid_campaign_request, runtime.consumer_metrics)
    runtime.include(*routers_of(handlers, {REQUESTS: [answer]}))
    runtime.publishes(*PUBLISHES)


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
    keep_texts = settings.delivery_text_retention_days > 0
    _wire(runtime, Handlers(runtime, submissions, keep_texts=keep_texts))
    retention = TextRetention(runtime, settings)  # with 0 days it erases what was kept before
    runtime.on_started(retention.start)
    runtime.on_stopping(retention.stop)
    sender = WebhookSender(
        lambda: runtime.pool,
        box,
        sender_config(settings),
        clock=utc_now,
        metrics=WebhookMetrics(runtime.registry),
    )
    runtime.add_health_check("webhook_sender", lambda: sender.alive)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async def seal() -> None:
            for column in (CREDENTIALS, *OPERATOR_GROUP_SECRETS, WEBHOOK_SECRETS):
                await seal_stored(runtime.pool, box, column)

        async def expose() -> None:
            app.state.services = AppServices(
                settings=settings,
                runtime=runtime,
                pool=runtime.pool,
                auth=Authenticator(runtime.pool, settings.platform_api_key),
                submissions=submissions,
                resends=Resends(runtime),
                box=box,
                webhooks=sender,
            )

        runtime.on_connected(seal)
        runtime.on_connected(expose)
        runtime.on_started(sender.start)
        runtime.on_stopping(sender.stop)
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
    instrument(app, runtime.registry)
    for module in (
        tenants,
        api_keys,
        connections,
        contacts,
        audience,
        lists,
        dialogs,
        campaigns,
        templates,
        commands,
        operator_groups,
        settings_api,
        webhooks,
    ):
        app.include_router(module.router)
    app.include_router(connection_check.router)
    install_console(app)
    app.router.routes.extend(runtime.routes())
    openapi.install(app)
    app.state.runtime = runtime
    app.state.text_retention = retention
    return app
