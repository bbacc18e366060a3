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
    long a console sign-in lasts, and `CONSOLE_SECURE_COOKIES`; `DELIVERY_TEXT_RETENTION_DAYS`
    (90), how long the text a person was sent is kept with the delivery after it finished
    (0: texts are not kept at all), erased every `DELIVERY_TEXT_ERASE_INTERVAL_SECONDS`
    (3600) in statements of `DELIVERY_TEXT_ERASE_BATCH` (5000) deliveries; the webhooks'
    sender (`WEBHOOK_*`, `WEBHOOKS_ALLOW_PRIVATE_ADDRESSES`: `campaign_api.webhooks`)."""

    campaign_api_port: int = 8080
    platform_api_key: str = DEVELOPMENT_PLATFORM_KEY
    estimate_timeout_seconds: float = 10.0
    import_batch_size: int = 1000
    dry_run_samples: int = Field(default=5, ge=0, le=MAX_SAMPLE)
    sample_timeout_seconds: float = Field(default=15.0, gt=0)
    telegram_api_base: str = "https://api.telegram.org"
    whatsapp_api_base: str = "https://graph.facebook.com/v21.0"
    instagram_api_base: str = "https://graph.instagram.com/v21.0"
    connection_check_timeout_seconds: float = 10.0
    max_json_body_bytes: int = Field(default=4 * 1024 * 1024, gt=0)
    max_id_list_body_bytes: int = Field(default=64 * 1024 * 1024, gt=0)
    console_session_hours: float = Field(default=12.0, gt=0)
    console_secure_cookies: bool = False
    """Mark the console's cookies `Secure` (set it where the console is served over HTTPS)."""
    delivery_text_retention_days: float = Field(default=90.0, ge=0)
    delivery_text_erase_interval_seconds: float = Field(default=3600.0, gt=0)
    delivery_text_erase_batch: int = Field(default=5000, gt=0)
    webhooks_allow_private_addresses: bool = False
    """Let webhooks point at private and loopback addresses, over http too (local
    development and tests only: otherwise a tenant could reach the internal network)."""
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    """How long one delivery may take: the lookup, connecting, sending and the answer."""
    webhook_retry_first_seconds: float = Field(default=30.0, ge=0)
    webhook_retry_longest_seconds: float = Field(default=3600.0, ge=0)
    """The waits between attempts (service-kit's backoff, doubling from the first)."""
    webhook_give_up_hours: float = Field(default=24.0, gt=0)
    """A delivery not answered with a 2xx by then has failed for good."""
    webhook_poll_seconds: float = Field(default=1.0, gt=0)
    webhook_batch: int = Field(default=20, gt=0)
    """Deliveries attempted at once by each replica."""
    webhook_log_days: float = Field(default=30.0, gt=0)
    """Delivered and failed deliveries are erased from the log this long after they ended."""
