"""campaign-api settings, from the environment."""

from __future__ import annotations

from contracts.audience import MAX_SAMPLE
from pydantic import Field
from service_kit.settings import SecretsSettings

DEVELOPMENT_PLATFORM_KEY = "dev-platform-key"


class Settings(SecretsSettings):
    """`CAMPAIGN_API_PORT` (8080), `PLATFORM_API_KEY` (the key that manages tenants;
    `dev-platform-key` for local development: set your own in production),
    `ESTIMATE_TIMEOUT_SECONDS`, `IMPORT_BATCH_SIZE`; `DRY_RUN_SAMPLES`, how many real
    recipients a dry run of AI content shows sample texts for (0: none), which the
    ai-composer is given `SAMPLE_TIMEOUT_SECONDS` to write; the platforms' API bases
    (`TELEGRAM_API_BASE`, `WHATSAPP_API_BASE`, `INSTAGRAM_API_BASE`), which a check of a
    connection's credentials asks, within `CONNECTION_CHECK_TIMEOUT_SECONDS`;
    `MAX_JSON_BODY_BYTES` (4 MiB), the largest request body, and `MAX_ID_LIST_BODY_BYTES`
    (64 MiB), that of the calls that carry lists of ids (creating a campaign, an estimate,
    a command); `SECRETS_KEYS` and `ENVIRONMENT`, which seal the connections'
    credentials (`service_kit.settings.SecretsSettings`); `CONSOLE_SESSION_HOURS` (12), how
    long a console sign-in lasts, and `CONSOLE_SECURE_COOKIES`; `AUTO_PAUSE_FAILURE_RATIO`
    (0.2) of the latest `AUTO_PAUSE_WINDOW` (200) attempts failed pauses a campaign,
    unless its request says otherwise (`auto_pause`)."""

    campaign_api_port: int = 8080
    platform_api_key: str = DEVELOPMENT_PLATFORM_KEY
    estimate_timeout_seconds: float = 10.0
    import_batch_size: int = 1000
    dry_run_samples: int = Field(default=3, ge=0, le=MAX_SAMPLE)
    sample_timeout_seconds: float = Field(default=15.0, gt=0)
    telegram_api_base: str = "https://api.telegram.org"
    whatsapp_api_base: str = "https://graph.facebook.com/v21.0"
    instagram_api_base: str = "https://graph.instagram.com/v21.0"
    connection_check_timeout_seconds: float = 10.0
    max_json_body_bytes: int = Field(default=4 * 1024 * 1024, gt=0)
    max_id_list_body_bytes: int = Field(default=64 * 1024 * 1024, gt=0)
    console_session_hours: float = Field(default=12.0, gt=0)
    console_secure_cookies: bool = False
    auto_pause_failure_ratio: float = Field(default=0.2, gt=0, le=1)
    auto_pause_window: int = Field(default=200, ge=10, le=10_000)
    """Mark the console's cookies `Secure` (set it where the console is served over HTTPS)."""
