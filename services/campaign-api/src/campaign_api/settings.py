"""campaign-api settings, from the environment."""

from __future__ import annotations

from service_kit.settings import ServiceSettings

DEVELOPMENT_PLATFORM_KEY = "dev-platform-key"


class Settings(ServiceSettings):
    """`CAMPAIGN_API_PORT` (8080), `PLATFORM_API_KEY` (the key that manages tenants;
    `dev-platform-key` for local development: set your own in production),
    `ESTIMATE_TIMEOUT_SECONDS`, `IMPORT_BATCH_SIZE`."""

    campaign_api_port: int = 8080
    platform_api_key: str = DEVELOPMENT_PLATFORM_KEY
    estimate_timeout_seconds: float = 10.0
    import_batch_size: int = 1000
