"""Settings every service reads from the environment."""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """`RABBITMQ_URL`, `DATABASE_URL`, `LOG_LEVEL`, `HTTP_HOST`.  Each service adds
    its own port (`SCHEDULER_PORT`, ...) and settings.  Never instantiated at import."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    rabbitmq_url: str = "amqp://guest:guest@127.0.0.1:5672/"
    rabbitmq_reconnect_seconds: float = 1.0
    """Between attempts to reconnect to a broker that went away (aio-pika's 5 s
    default delayed the sending after a restart by up to that much)."""
    database_url: str = "postgresql://postgres@127.0.0.1:5432/campaigns"
    log_level: str = "INFO"
    http_host: str = "127.0.0.1"
    startup_timeout_seconds: float = 120.0
    db_pool_size: int = 10


class SecretsSettings(ServiceSettings):
    """A service that keeps the platforms' credentials (campaign-api, the
    dispatchers) also reads `SECRETS_KEYS`: the keys that seal them, comma-separated
    Fernet keys, newest first (`service_kit.secrets`), and `ENVIRONMENT`
    (`production`).  Without keys it refuses to start, unless `ENVIRONMENT` is
    `development`, where a built-in key everyone knows seals them.  Neither is ever
    shown: the keys are a `SecretStr`, and checked when the service starts, where
    an error names the setting, never the value."""

    secrets_keys: SecretStr = SecretStr("")
    environment: str = "production"

    @property
    def development(self) -> bool:
        return self.environment.strip().lower() == "development"
