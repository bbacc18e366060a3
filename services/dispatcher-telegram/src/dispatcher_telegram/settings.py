"""dispatcher-telegram settings, from the environment."""

from __future__ import annotations

from dispatch_core.settings import DispatchSettings


class Settings(DispatchSettings):
    """`TELEGRAM_API_BASE` (the Bot API server; a local simulator in tests),
    `DISPATCHER_TELEGRAM_PORT` (8083), `TELEGRAM_REQUEST_TIMEOUT_SECONDS` (bots and
    personal accounts), `TELEGRAM_USER_RECENT_DIALOGS` (how many of a personal
    account's latest dialogs are read to find people it has not messaged yet)."""

    telegram_api_base: str = "https://api.telegram.org"
    dispatcher_telegram_port: int = 8083
    telegram_request_timeout_seconds: float = 30.0
    telegram_user_recent_dialogs: int = 500
