"""What each kind of connection is given, checked as it is saved: a body is one
of four shapes, told apart by `channel`, so a misspelt or misplaced key, or a
value the platform could never accept, is refused with the field to fix."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from contracts.base import NulFree
from pydantic import AfterValidator, ConfigDict, Field

from .schemas import ConnectionIn

BOT_TOKEN = re.compile(r"^[0-9]+:[A-Za-z0-9_-]{35}$")
API_HASH = re.compile(r"^[0-9a-f]{32}$")


def _bot_token(value: str) -> str:
    if not BOT_TOKEN.match(value):
        raise ValueError(
            "a bot token is <digits>:<35 letters, digits, _ or ->, exactly as @BotFather "
            "gives it (e.g. 123456789:AAH...); copy it again, without spaces or quotes"
        )
    return value


DIGITS = Field(json_schema_extra={"pattern": "^[0-9]+$"})
"""What `_digits` takes, as JSON Schema says it."""


def _digits(what: str) -> AfterValidator:
    def check(value: str) -> str:
        if not value.isascii() or not value.isdigit():
            raise ValueError(f"{what} is a number (digits only), as the platform shows it")
        return value

    return AfterValidator(check)


def _api_hash(value: str) -> str:
    if not API_HASH.match(value):
        raise ValueError("api_hash is the 32 hexadecimal characters my.telegram.org shows")
    return value


Secret = Annotated[str, Field(min_length=1, max_length=4096)]


class Credentials(NulFree):
    model_config = ConfigDict(extra="forbid", frozen=True)


BotToken = Annotated[
    str,
    Field(
        description="The bot token from @BotFather: `<digits>:<35 characters>`",
        json_schema_extra={"pattern": BOT_TOKEN.pattern},
    ),
    AfterValidator(_bot_token),
]
"""A Telegram bot's token, in the form @BotFather gives it (a connection's, an
operator group's)."""


class TelegramBotCredentials(Credentials):
    token: BotToken


class TelegramUserCredentials(Credentials):
    session: Annotated[Secret, Field(description="A Telethon StringSession of the account")]
    api_id: Annotated[
        str,
        Field(description="The app's api_id from my.telegram.org (digits)"),
        _digits("api_id"),
        DIGITS,
    ]
    api_hash: Annotated[
        str,
        Field(
            description="The app's api_hash from my.telegram.org (32 hex characters)",
            json_schema_extra={"pattern": API_HASH.pattern},
        ),
        AfterValidator(_api_hash),
    ]


class WhatsAppCredentials(Credentials):
    access_token: Annotated[Secret, Field(description="A Cloud API access token")]
    phone_number_id: Annotated[
        str,
        Field(description="The number's Phone number ID (digits), not the phone number"),
        _digits("phone_number_id"),
        DIGITS,
    ]


class InstagramCredentials(Credentials):
    access_token: Annotated[Secret, Field(description="An Instagram user access token")]
    ig_id: Annotated[str, _digits("ig_id"), DIGITS] | None = Field(
        default=None,
        description="The professional account's Instagram id (digits); default: `me`, the "
        "account of the token",
    )


class TelegramBotConnection(ConnectionIn):
    channel: Literal["telegram_bot"]
    credentials: TelegramBotCredentials


class TelegramUserConnection(ConnectionIn):
    channel: Literal["telegram_user"]
    credentials: TelegramUserCredentials


class WhatsAppConnection(ConnectionIn):
    channel: Literal["whatsapp"]
    credentials: WhatsAppCredentials


class InstagramConnection(ConnectionIn):
    channel: Literal["instagram"]
    credentials: InstagramCredentials


ConnectionBody = Annotated[
    TelegramBotConnection | TelegramUserConnection | WhatsAppConnection | InstagramConnection,
    Field(discriminator="channel"),
]
"""`PUT /v1/connections/{id}`: a connection of one of the four channels."""
