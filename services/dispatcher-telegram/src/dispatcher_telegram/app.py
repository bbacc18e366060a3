"""dispatcher-telegram: Telegram bots through the Bot API."""

from __future__ import annotations

from pathlib import Path

from dispatch_core.service import build_dispatcher_app
from starlette.applications import Starlette

from .bot_api import bot_clients
from .policies import POLICIES
from .settings import Settings

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()
    return build_dispatcher_app(
        name="telegram",
        channels=["telegram_bot"],
        settings=settings,
        migrations=MIGRATIONS,
        client_factory=bot_clients(
            settings.telegram_api_base, settings.telegram_request_timeout_seconds
        ),
        policies=POLICIES,
    )
