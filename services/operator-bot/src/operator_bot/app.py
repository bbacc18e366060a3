"""The operator bot: the groups' bots (fleet), its handlers on the broker, and the
webhook Telegram posts updates to (in webhook mode)."""

from __future__ import annotations

import contextlib
import hmac
from collections.abc import AsyncIterator
from pathlib import Path

from service_kit.runtime import ServiceRuntime
from service_kit.secrets import SecretBox
from service_kit.subscribers import routers_of
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .announcer import Announcer
from .campaign_api import CampaignApi
from .commands import Deps
from .fleet import Fleet
from .handlers import Handlers
from .metrics import BotMetrics
from .settings import Settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


def webhook_route(fleet: Fleet) -> Route:
    async def receive(request: Request) -> Response:
        member = fleet.by_bot(int(request.path_params["bot_id"]))
        presented = request.headers.get(SECRET_HEADER, "")
        if member is None or not hmac.compare_digest(presented, member.webhook_secret):
            return JSONResponse({"ok": False}, status_code=403)
        await fleet.receive(member, await request.json())
        return JSONResponse({"ok": True})

    return Route("/telegram/{bot_id:int}", receive, methods=["POST"])


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()
    box = SecretBox.from_settings(settings)
    runtime = ServiceRuntime("operator-bot", settings, schema="operator_bot", migrations=MIGRATIONS)
    api = CampaignApi(settings.campaign_api_url, settings.operator_bot_command_timeout_seconds)
    metrics = BotMetrics(runtime.registry)

    def deps() -> Deps:
        return Deps(runtime.pool, api, metrics, announcer)

    fleet = Fleet(settings, lambda: runtime.pool, box, deps)
    announcer = Announcer(lambda: runtime.pool, fleet, api, metrics)
    runtime.include(*routers_of(Handlers(lambda: runtime.pool, fleet, announcer)))
    runtime.on_started(fleet.start)
    runtime.on_stopping(fleet.stop)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        try:
            async with runtime.running():
                yield
        finally:
            await api.close()

    app = Starlette(routes=[*runtime.routes(), webhook_route(fleet)], lifespan=lifespan)
    app.state.runtime = runtime
    return app
