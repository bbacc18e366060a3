"""dispatcher-telegram settings, from the environment."""

from __future__ import annotations

from service_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    """`TELEGRAM_API_BASE` (the Bot API server; a local simulator in tests),
    `DISPATCHER_TELEGRAM_PORT` (8083), `TELEGRAM_REQUEST_TIMEOUT_SECONDS`."""

    telegram_api_base: str = "https://api.telegram.org"
    dispatcher_telegram_port: int = 8083
    telegram_request_timeout_seconds: float = 30.0
