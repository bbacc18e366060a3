"""operator-bot settings, from the environment."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from service_kit.settings import SecretsSettings

Mode = Literal["polling", "webhook"]


class Settings(SecretsSettings):
    """`OPERATOR_BOT_PORT` (8087); `TELEGRAM_API_BASE` (https://api.telegram.org), where
    the groups' bots talk to Telegram; `CAMPAIGN_API_URL` (http://127.0.0.1:8080), where
    commands are carried out.

    `OPERATOR_BOT_MODE`: `polling` (long polling, `OPERATOR_BOT_POLL_SECONDS` a call)
    or `webhook`: Telegram posts each update to
    `OPERATOR_BOT_WEBHOOK_URL`/telegram/<bot id> (a public HTTPS address that reaches
    this service's port), with a secret derived from the bot's token checked on
    every post.  `OPERATOR_BOT_COMMAND_TIMEOUT_SECONDS`: the most a command may take
    at campaign-api.  `SECRETS_KEYS` open the groups' sealed tokens and keys."""

    operator_bot_port: int = 8087
    telegram_api_base: str = "https://api.telegram.org"
    campaign_api_url: str = "http://127.0.0.1:8080"
    operator_bot_mode: Mode = "polling"
    operator_bot_poll_seconds: int = Field(default=25, ge=0, le=50)
    operator_bot_webhook_url: str | None = None
    operator_bot_command_timeout_seconds: float = Field(default=60.0, gt=0)
