"""aiogram 3, pointed at the simulator by base URL, works unchanged: as a sending bot, and as
an operator bot taking updates by long polling or at a webhook."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.filters import Command
from aiogram.methods import TelegramMethod
from aiogram.types import (
    BufferedInputFile,
    ChatMemberAdministrator,
    ChatMemberMember,
    ChatMemberOwner,
    InputMediaDocument,
    InputMediaPhoto,
    Message,
)
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
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


GROUP = -1001234567890
OLGA = {"id": 42, "first_name": "Olga", "username": "olga_ops"}


async def until_called(telegram: SimControl, method: str, count: int = 1) -> list[dict[str, Any]]:
    """The calls of `method` once there are `count`, polled with a deadline."""
    deadline = time.monotonic() + 10
    while len(calls := await telegram.calls(method=method)) < count:
        assert time.monotonic() < deadline, f"{method} was not called {count} times"
        await asyncio.sleep(0.02)
    return calls


def answering_send(dispatcher: Dispatcher, seen: list[Message]) -> None:
    """A `/send` handler that answers as a reply in the command's topic."""

    @dispatcher.message(Command("send"))
    async def on_send(message: Message) -> None:
        seen.append(message)
        await message.reply("Sending to everyone")


async def test_a_polling_bot_answers_a_send_in_its_topic(bot: Bot, telegram: SimControl) -> None:
    topic = await bot.create_forum_topic(GROUP, "General sales")
    photo = await telegram.post_message(
        TOKEN,
        OLGA,
        GROUP,
        media="photo",
        caption="Sale!",
        message_thread_id=topic.message_thread_id,
    )
    dispatcher, seen = Dispatcher(), list[Message]()
    answering_send(dispatcher, seen)
    polling = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, close_bot_session=False)
    )
    try:
        command = await telegram.post_message(
            TOKEN, OLGA, GROUP, "/send all", reply_to_message_id=photo["message"]["message_id"]
        )
        [answer] = await until_called(telegram, "sendMessage")
    finally:
        await dispatcher.stop_polling()
        await polling
    [message] = seen
    assert message.reply_to_message is not None
    assert message.reply_to_message.photo is not None
    assert message.reply_to_message.photo[-1].file_id == (photo["message"]["photo"][-1]["file_id"])
    assert message.reply_to_message.caption == "Sale!"
    # aiogram posts a form: its values are recorded as the strings sent.
    assert answer["params"]["message_thread_id"] == str(topic.message_thread_id)
    assert answer["params"]["reply_parameters"]["message_id"] == command["message"]["message_id"]
    assert answer["response"]["result"]["is_topic_message"] is True
    polls = await telegram.calls(method="getUpdates")
    delivered = [u for poll in polls for u in poll["response"].get("result", [])]
    assert delivered == [photo, command]
    assert polls[-1]["params"]["timeout"] == "10"


async def test_a_webhook_bot_gets_updates_with_its_secret(bot: Bot, telegram: SimControl) -> None:
    dispatcher, seen = Dispatcher(), list[Message]()
    answering_send(dispatcher, seen)
    app = web.Application()
    SimpleRequestHandler(dispatcher, bot, secret_token="s3cret").register(app, path="/tg")
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/tg"
        assert await bot.set_webhook(url, secret_token="s3cret")
        with pytest.raises(TelegramConflictError):
            await bot.get_updates()
        await telegram.post_message(TOKEN, OLGA, GROUP, "/send all", is_forum=True)
        await until_called(telegram, "sendMessage")
    finally:
        await bot.delete_webhook()
        await runner.cleanup()
    [message] = seen
    assert message.chat.is_forum is True
    assert message.from_user is not None
    assert message.from_user.username == "olga_ops"


async def test_chat_members_and_topics(bot: Bot, telegram: SimControl) -> None:
    assert isinstance(await bot.get_chat_member(GROUP, 42), ChatMemberMember)
    await telegram.set_chat_member(GROUP, 42, "administrator", first_name="Olga")
    await telegram.set_chat_member(GROUP, 7, "creator")
    admin = await bot.get_chat_member(GROUP, 42)
    assert isinstance(admin, ChatMemberAdministrator)
    assert admin.user.first_name == "Olga"
    admins = await bot.get_chat_administrators(GROUP)
    assert [type(member) for member in admins] == [ChatMemberAdministrator, ChatMemberOwner]
    topic = await bot.create_forum_topic(GROUP, "Bob (Instagram)")
    sent = await bot.send_message(GROUP, "hi", message_thread_id=topic.message_thread_id)
    assert (sent.message_thread_id, sent.is_topic_message) == (topic.message_thread_id, True)


async def test_a_csv_report_as_a_document(bot: Bot, telegram: SimControl) -> None:
    report = b"recipient,status\n" + b"1001,delivered\n" * 1000
    sent = await bot.send_document(
        GROUP, BufferedInputFile(report, filename="campaign-7.csv"), caption="Report"
    )
    assert sent.document is not None
    assert (sent.document.file_name, sent.document.file_size) == ("campaign-7.csv", len(report))
    kept = await telegram.uploaded_file(sent.document.file_id)
    assert (kept.file_name, kept.data) == ("campaign-7.csv", report)
    too_big = BufferedInputFile(b"x" * (50 * 1024 * 1024 + 1), filename="huge.csv")
    with pytest.raises(TelegramEntityTooLarge):
        await bot.send_document(GROUP, too_big)


async def test_a_users_document_downloads_through_get_file(bot: Bot, telegram: SimControl) -> None:
    """A file a user sends with its content given (`data`) is what aiogram downloads."""
    update = await telegram.post_message(
        TOKEN,
        {"id": 701, "first_name": "Ann"},
        -1001234500077,
        media="document",
        caption="/send file",
        file_name="ids.txt",
        mime_type="text/plain",
        data="1001, 1002\n1003",
    )
    document = update["message"]["document"]
    found = await bot.get_file(document["file_id"])
    assert found.file_path is not None
    downloaded = await bot.download_file(found.file_path)
    assert downloaded is not None
    assert downloaded.read() == b"1001, 1002\n1003"
    with pytest.raises(TelegramBadRequest, match="invalid file_id"):
        await bot.get_file("no-such-file")
