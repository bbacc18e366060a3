"""aiogram 3, pointed at the simulator by base URL, works unchanged."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import TelegramMethod
from aiogram.types import BufferedInputFile, InputMediaDocument, InputMediaPhoto
from platform_sim import RunningSimulators, SimControl

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"


@pytest.fixture(scope="module")
async def bot(sims: RunningSimulators) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(sims.base_url("telegram")))
    bot = Bot(TOKEN, session=session)
    yield bot
    await bot.session.close()


@pytest.fixture(autouse=True)
async def _reset_without_chat_limit(telegram: SimControl) -> None:
    await telegram.configure(per_recipient_per_second=None)


async def test_get_me(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot) == (123456789, True)


async def test_send_message(bot: Bot, telegram: SimControl) -> None:
    message = await bot.send_message(1001, "Hello, Alice!")
    assert (message.message_id, message.chat.id, message.text) == (1, 1001, "Hello, Alice!")
    assert message.from_user is not None
    assert message.from_user.id == 123456789
    [call] = await telegram.calls(method="sendMessage")
    assert call["params"]["text"] == "Hello, Alice!"


async def test_send_photo_by_url_file_id_and_upload(bot: Bot) -> None:
    by_url = await bot.send_photo(2, "https://example.com/sale.jpg", caption="Sale!")
    assert by_url.caption == "Sale!"
    assert by_url.photo is not None
    file_id = by_url.photo[-1].file_id
    by_id = await bot.send_photo(2, file_id)
    assert by_id.photo is not None
    assert by_id.photo[-1].file_id == file_id
    uploaded = await bot.send_photo(2, BufferedInputFile(b"\x89PNG" * 25, filename="s.png"))
    assert uploaded.photo is not None
    assert uploaded.photo[-1].file_size == 100
    assert uploaded.photo[-1].file_id not in (file_id,)


async def test_every_media_method_parses(bot: Bot) -> None:
    url = "https://example.com/file"
    assert (await bot.send_video(3, url)).video is not None
    assert (await bot.send_voice(3, url)).voice is not None
    assert (await bot.send_video_note(3, "DQACnote")).video_note is not None
    assert (await bot.send_sticker(3, "CAACsticker")).sticker is not None
    assert (await bot.send_document(3, url)).document is not None
    assert (await bot.send_animation(3, url)).animation is not None
    assert (await bot.send_audio(3, url)).audio is not None
    copied = await bot.copy_message(3, from_chat_id=1, message_id=5)
    assert copied.message_id > 0


async def test_media_group_with_uploads(bot: Bot) -> None:
    messages = await bot.send_media_group(
        4,
        [
            InputMediaPhoto(media=BufferedInputFile(b"1" * 10, filename="a.jpg"), caption="a"),
            InputMediaDocument(media=BufferedInputFile(b"2" * 20, filename="b.txt")),
        ],
    )
    assert len(messages) == 2
    assert messages[0].media_group_id == messages[1].media_group_id
    assert messages[1].document is not None
    assert messages[1].document.file_name == "b.txt"


async def test_retry_after(bot: Bot, telegram: SimControl) -> None:
    await telegram.add_fault(kind="retry_after", method="sendMessage", retry_after=7)
    with pytest.raises(TelegramRetryAfter) as raised:
        await bot.send_message(5, "hi")
    assert raised.value.retry_after == 7
    await bot.send_message(6, "hi")


async def test_rate_limit_is_retry_after(bot: Bot, telegram: SimControl) -> None:
    await telegram.configure(rate_per_second=1, retry_after_seconds=3)
    await bot.send_message(7, "hi")
    with pytest.raises(TelegramRetryAfter) as raised:
        await bot.send_message(8, "hi")
    assert raised.value.retry_after == 3


@pytest.mark.parametrize("state", ["blocked", "deactivated", "kicked"])
async def test_forbidden(bot: Bot, telegram: SimControl, state: str) -> None:
    await telegram.set_recipient(9, state)
    with pytest.raises(TelegramForbiddenError, match="Forbidden"):
        await bot.send_message(9, "hi")


async def test_bad_requests(bot: Bot, telegram: SimControl) -> None:
    await telegram.set_recipient(10, "not_found")
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(10, "hi")
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(11, "x" * 5000)
    with pytest.raises(TelegramBadRequest, match="caption is too long"):
        await bot.send_photo(11, "AgACx", caption="x" * 2000)


async def test_migrated(bot: Bot, telegram: SimControl) -> None:
    await telegram.set_recipient(-12, "migrated")
    with pytest.raises(TelegramMigrateToChat) as raised:
        await bot.send_message(-12, "hi")
    assert raised.value.migrate_to_chat_id == -10012


async def test_unauthorized(bot: Bot, telegram: SimControl) -> None:
    await telegram.set_account("123456789", "unauthorized")
    with pytest.raises(TelegramUnauthorizedError):
        await bot.get_me()


async def test_server_errors(bot: Bot, telegram: SimControl) -> None:
    await telegram.add_fault(kind="server_error", status=502)
    with pytest.raises(TelegramServerError):
        await bot.send_message(13, "hi")
    await telegram.configure(error_rate_5xx=1.0)
    with pytest.raises(TelegramServerError):
        await bot.send_message(14, "hi")


async def test_scripted_error(bot: Bot, telegram: SimControl) -> None:
    await telegram.add_fault(kind="error", status=400, description="Bad Request: PEER_ID_INVALID")
    with pytest.raises(TelegramBadRequest, match="PEER_ID_INVALID"):
        await bot.send_message(15, "hi")


async def test_unknown_method(bot: Bot) -> None:
    class SendTelepathy(TelegramMethod[bool]):
        __returning__ = bool
        __api_method__ = "sendTelepathy"

    with pytest.raises(TelegramNotFound):
        await bot(SendTelepathy())
