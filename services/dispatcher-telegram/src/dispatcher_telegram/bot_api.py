"""The Telegram Bot API, through aiogram's Bot (a well-kept client that speaks to
any Bot API server by its base URL), and what its answers mean for a delivery."""

from __future__ import annotations

import aiohttp
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import Message
from aiogram.utils.token import TokenValidationError
from contracts.dispatch import DispatchJob, OutboundMedia, OutboundTemplate, OutboundText
from dispatch_core.model import (
    ConnectionBlocked,
    ConnectionConfig,
    Failed,
    RateLimited,
    Redirect,
    Retry,
    SendOutcome,
    Sent,
)
from dispatch_core.ports import ClientFactory, PlatformClient

BAD_TOKEN_PAUSE_SECONDS = 30 * 86400.0
REJECTED_CREDENTIALS = (
    "Telegram rejected the bot token (401 Unauthorized): update the connection's credentials"
)


def _chat_id(external_id: str) -> int | str:
    return int(external_id) if external_id.lstrip("-").isdigit() else external_id


class TelegramBotClient:
    """One bot's client."""

    def __init__(self, base_url: str, token: str, timeout: float) -> None:
        session = AiohttpSession(api=TelegramAPIServer.from_base(base_url), timeout=timeout)
        self._bot = Bot(token, session=session)

    async def close(self) -> None:
        await self._bot.session.close()

    async def send(self, job: DispatchJob, external_id: str) -> SendOutcome:
        content = job.content
        if isinstance(content, OutboundTemplate):
            return Failed("content.unsupported", "WhatsApp template messages have no Telegram form")
        try:
            message = await self._call(content, _chat_id(external_id))
        except TelegramRetryAfter as error:
            return RateLimited(float(error.retry_after), "429", error.message)
        except TelegramMigrateToChat as error:
            return Redirect(str(error.migrate_to_chat_id))
        except TelegramUnauthorizedError:
            return ConnectionBlocked("401", REJECTED_CREDENTIALS, BAD_TOKEN_PAUSE_SECONDS)
        except TelegramForbiddenError as error:
            return Failed("403", error.message)
        except TelegramNotFound as error:
            return Failed("404", error.message)
        except TelegramEntityTooLarge as error:
            return Failed("413", error.message)
        except TelegramBadRequest as error:
            return Failed("400", error.message)
        except TelegramServerError as error:
            return Retry("5xx", error.message)
        except TelegramNetworkError as error:
            return Retry("network", error.message)
        except (TimeoutError, aiohttp.ClientError, ClientDecodeError) as error:
            return Retry("network", f"{type(error).__name__}: {error}")
        except TelegramAPIError as error:
            return Retry("telegram", error.message)
        return Sent(str(message.message_id))

    async def _call(self, content: OutboundText | OutboundMedia, chat_id: int | str) -> Message:
        if isinstance(content, OutboundText):
            return await self._bot.send_message(chat_id, content.text)
        bot, file, caption = self._bot, content.file, content.caption
        match content.media_type:
            case "photo":
                return await bot.send_photo(chat_id, file, caption=caption)
            case "video":
                return await bot.send_video(chat_id, file, caption=caption)
            case "voice":
                return await bot.send_voice(chat_id, file, caption=caption)
            case "video_note":
                return await bot.send_video_note(chat_id, file)
            case "sticker":
                return await bot.send_sticker(chat_id, file)
            case "document":
                return await bot.send_document(chat_id, file, caption=caption)
            case "animation":
                return await bot.send_animation(chat_id, file, caption=caption)
            case "audio":
                return await bot.send_audio(chat_id, file, caption=caption)


class MalformedTokenClient:
    """A bot whose token is not even well-formed: nothing can be sent until the
    connection's credentials are fixed."""

    def __init__(self, problem: str) -> None:
        self._reason = (
            f"the bot token is malformed ({problem}): update the connection's credentials"
        )

    async def send(self, job: DispatchJob, external_id: str) -> SendOutcome:
        return ConnectionBlocked("401", self._reason, BAD_TOKEN_PAUSE_SECONDS)

    async def close(self) -> None:
        return None


def bot_clients(base_url: str, timeout: float) -> ClientFactory:
    """Makes each connection's client from its credentials."""

    def make(config: ConnectionConfig) -> PlatformClient:
        try:
            return TelegramBotClient(base_url, config.credentials.get("token", ""), timeout)
        except TokenValidationError as error:
            return MalformedTokenClient(str(error))

    return make
