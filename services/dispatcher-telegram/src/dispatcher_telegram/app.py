"""dispatcher-telegram: Telegram bots through the Bot API, and personal accounts
through MTProto."""

from __future__ import annotations

from dispatch_core.model import ConnectionConfig
from dispatch_core.ports import ClientFactory, PlatformClient
from dispatch_core.service import build_dispatcher_app
from starlette.applications import Starlette

from .bot_api import bot_clients
from .policies import POLICIES
from .settings import Settings


def _telethon_when_needed(settings: Settings) -> ClientFactory:
    """Telethon (and its MTProto schema, 165 MB) loads only once a personal
    account is served; a process that serves bots never pays for it."""
    made: ClientFactory | None = None

    def make(config: ConnectionConfig) -> PlatformClient:
        nonlocal made
        if made is None:
            from .personal_account import telethon_clients

            made = telethon_clients(
                timeout=settings.telegram_request_timeout_seconds,
                recent_dialogs=settings.telegram_user_recent_dialogs,
            )
        return made(config)

    return make


def create_app(
    settings: Settings | None = None, *, personal_account_clients: ClientFactory | None = None
) -> Starlette:
    """`personal_account_clients` replaces Telethon for `telegram_user` connections
    (tests: MTProto cannot be reached from them)."""
    settings = settings or Settings()
    bots = bot_clients(settings.telegram_api_base, settings.telegram_request_timeout_seconds)
    accounts = personal_account_clients or _telethon_when_needed(settings)

    def clients(config: ConnectionConfig) -> PlatformClient:
        return accounts(config) if config.channel == "telegram_user" else bots(config)

    return build_dispatcher_app(
        name="telegram",
        channels=["telegram_bot", "telegram_user"],
        settings=settings,
        port=settings.dispatcher_telegram_port,
        migrations=None,  # no tables beyond dispatch-core's
        client_factory=clients,
        policies=POLICIES,
    )
