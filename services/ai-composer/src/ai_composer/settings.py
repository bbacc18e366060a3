"""ai-composer settings, from the environment."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, field_validator
from service_kit.settings import ServiceSettings

BackendName = Literal["builtin", "openai"]
OPENAI_BASE_URL = "https://api.openai.com/v1"
"""Where a model is asked when only COMPOSER_OPENAI_API_KEY is set: OpenAI itself."""


class Settings(ServiceSettings):
    """`AI_COMPOSER_PORT` (8086).

    `COMPOSER_BACKEND`: `openai` (any OpenAI-compatible chat-completions endpoint)
    or `builtin` (the offline writer, not an LLM); unset, `openai` when
    `COMPOSER_OPENAI_BASE_URL` or `COMPOSER_OPENAI_API_KEY` is set (a key alone is
    OpenAI itself), else `builtin`.  `COMPOSER_OPENAI_BASE_URL` (unset:
    https://api.openai.com/v1), `COMPOSER_OPENAI_API_KEY`, `COMPOSER_MODEL`.

    `COMPOSER_CONCURRENCY`: requests in flight to the model at most;
    `COMPOSER_TIMEOUT_SECONDS`: per request; `COMPOSER_MAX_RETRIES` of a request
    after a 429, 5xx or broken connection, the first after
    `COMPOSER_RETRY_BACKOFF_SECONDS` (doubling); `COMPOSER_MAX_ATTEMPTS`: drafts
    per delivery before the fallback text; `COMPOSER_DEADLINE_SECONDS`: the most
    one delivery's writing may take from its first request on, drafts, retries
    and waits together, before the fallback text goes; `COMPOSER_CHUNK_SIZE` jobs per dispatch
    message, sent at the latest `COMPOSER_CHUNK_SECONDS` after the first is ready;
    `COMPOSER_PREFETCH`: compose requests worked on at once;
    `COMPOSER_SAMPLE_DEADLINE_SECONDS`: the most a dry run's sample texts may take
    (within the asker's wait) before the fallback text stands in."""

    ai_composer_port: int = 8086
    composer_backend: BackendName | None = None
    composer_openai_base_url: str | None = None
    composer_openai_api_key: SecretStr | None = None
    composer_model: str = "gpt-4o-mini"
    composer_concurrency: int = Field(default=32, ge=1)
    composer_timeout_seconds: float = Field(default=20.0, gt=0)
    composer_max_retries: int = Field(default=3, ge=0)
    composer_retry_backoff_seconds: float = Field(default=0.5, ge=0)
    composer_max_attempts: int = Field(default=3, ge=1)
    composer_deadline_seconds: float = Field(default=30.0, gt=0)
    composer_chunk_size: int = Field(default=50, ge=1)
    composer_chunk_seconds: float = Field(default=0.25, ge=0)
    composer_prefetch: int = Field(default=4, ge=1)
    composer_sample_deadline_seconds: float = Field(default=10.0, gt=0)

    @field_validator(
        "composer_backend", "composer_openai_base_url", "composer_openai_api_key", mode="before"
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def backend(self) -> BackendName:
        if self.composer_backend is not None:
            return self.composer_backend
        if self.composer_openai_base_url or self.composer_openai_api_key is not None:
            return "openai"
        return "builtin"

    @property
    def backend_chosen_by(self) -> str:
        """Which setting made `backend` what it is, for the log."""
        if self.composer_backend is not None:
            return "COMPOSER_BACKEND"
        if self.composer_openai_base_url:
            return "COMPOSER_OPENAI_BASE_URL"
        if self.composer_openai_api_key is not None:
            return "COMPOSER_OPENAI_API_KEY (OpenAI itself)"
        return "neither COMPOSER_OPENAI_BASE_URL nor COMPOSER_OPENAI_API_KEY is set"

    @property
    def openai_base_url(self) -> str:
        return self.composer_openai_base_url or OPENAI_BASE_URL
