"""What an operator bot needs of the Telegram simulator, over raw HTTP: users writing in
groups and forum topics, getUpdates and webhooks, chat members, topics, replies, uploads."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Mapping
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from platform_sim import RunningSimulators, SimControl, SimControlError

Answer = tuple[int, Any, Mapping[str, str]]
Http = Callable[..., Awaitable[Answer]]
Bot = Callable[..., Coroutine[Any, Any, Answer]]
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"
OTHER_TOKEN = "987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"
BOT_ID = 123456789
GROUP = -1001234567890
OLGA = {"id": 42, "first_name": "Olga", "username": "olga_ops"}
CAPTIONED = ["photo", "video", "voice", "document", "animation", "audio"]


@pytest.fixture
def bot(sims: RunningSimulators, http: Http, telegram: SimControl) -> Bot:
    base = sims.base_url("telegram")

    async def call(method: str, token: str = TOKEN, **kwargs: Any) -> Answer:
        return await http("POST", f"{base}/bot{token}/{method}", **kwargs)

    return call


@pytest.fixture(autouse=True)
async def _without_chat_limit(telegram: SimControl) -> None:
    await telegram.configure(per_recipient_per_second=None)


async def updates(bot: Bot, **params: Any) -> list[dict[str, Any]]:
    status, body, _ = await bot("getUpdates", json=params)
    assert status == 200, body
    result: list[dict[str, Any]] = body["result"]
    return result


async def open_topic(bot: Bot, name: str = "Alice (WhatsApp)") -> int:
    status, body, _ = await bot("createForumTopic", json={"chat_id": GROUP, "name": name})
    assert status == 200, body
    thread_id: int = body["result"]["message_thread_id"]
    return thread_id


async def test_a_command_in_a_topic_reaches_the_bot_as_telegram_sends_it(
    bot: Bot, telegram: SimControl
) -> None:
    thread_id = await open_topic(bot)
    update = await telegram.post_message(
        TOKEN, OLGA, GROUP, "hello /send onboarding 5m", message_thread_id=thread_id
    )
    [got] = await updates(bot)
    assert got == update
    message = update["message"]
    assert message["from"] == {"is_bot": False, **OLGA}
    assert message["chat"] == {
        "id": GROUP,
        "type": "supergroup",
        "title": f"Group {-GROUP}",
        "is_forum": True,
    }
    assert (message["message_thread_id"], message["is_topic_message"]) == (thread_id, True)
    assert message["entities"] == [{"type": "bot_command", "offset": 6, "length": 5}]
    # Telegram: a message in a topic that replies to nothing replies to the topic's start.
    started = message["reply_to_message"]
    assert started["message_id"] == thread_id
    assert started["forum_topic_created"]["name"] == "Alice (WhatsApp)"
    assert message["message_id"] > thread_id


async def test_general_of_a_forum_and_replies_there(telegram: SimControl) -> None:
    photo = await telegram.post_message(
        BOT_ID, OLGA, GROUP, media="photo", caption="Sale!", is_forum=True
    )
    first = photo["message"]
    assert "message_thread_id" not in first
    assert "reply_to_message" not in first
    assert first["chat"]["is_forum"] is True
    reply = await telegram.post_message(
        BOT_ID, OLGA, GROUP, "/send all", reply_to_message_id=first["message_id"]
    )
    message = reply["message"]
    assert message["reply_to_message"] == first
    # A reply in the main thread starts a reply thread: not a topic message.
    assert message["message_thread_id"] == first["message_id"]
    assert "is_topic_message" not in message
    again = await telegram.post_message(
        BOT_ID, OLGA, GROUP, "/send sid1", reply_to_message_id=message["message_id"]
    )
    nested = again["message"]["reply_to_message"]
    assert nested["message_id"] == message["message_id"]
    assert "reply_to_message" not in nested


async def test_a_reply_in_a_topic_carries_the_replied_message(
    bot: Bot, telegram: SimControl
) -> None:
    thread_id = await open_topic(bot)
    pdf = await telegram.post_message(
        TOKEN,
        OLGA,
        GROUP,
        media="document",
        file_name="terms.pdf",
        mime_type="application/pdf",
        message_thread_id=thread_id,
    )
    update = await telegram.post_message(
        TOKEN, OLGA, GROUP, "/send onboarding 1h", reply_to_message_id=pdf["message"]["message_id"]
    )
    message = update["message"]
    assert (message["message_thread_id"], message["is_topic_message"]) == (thread_id, True)
    replied = message["reply_to_message"]
    assert replied["document"]["file_name"] == "terms.pdf"
    assert replied["document"]["mime_type"] == "application/pdf"
    assert "reply_to_message" not in replied


@pytest.mark.parametrize("kind", [*CAPTIONED, "sticker", "video_note"])
async def test_every_kind_of_message(bot: Bot, telegram: SimControl, kind: str) -> None:
    caption = "/send all, with a caption" if kind in CAPTIONED else None
    update = await telegram.post_message(BOT_ID, OLGA, GROUP, media=kind, caption=caption)
    [got] = await updates(bot)
    message = got["message"]
    assert message == update["message"]
    field = message[kind]
    file = field[-1] if kind == "photo" else field
    assert file["file_id"]
    assert file["file_unique_id"]
    if kind == "photo":
        assert [size["width"] for size in field] == [90, 320, 1280]
    if caption is None:
        assert "caption" not in message
    else:
        assert message["caption"] == caption
        assert message["caption_entities"] == [{"type": "bot_command", "offset": 0, "length": 5}]


async def test_media_sent_again_by_its_file_id(telegram: SimControl) -> None:
    update = await telegram.post_message(BOT_ID, OLGA, GROUP, media="video", file_id="BAACvideo")
    assert update["message"]["video"]["file_id"] == "BAACvideo"


async def test_a_private_chat_is_the_users(telegram: SimControl) -> None:
    update = await telegram.post_message(BOT_ID, OLGA, text="/start")
    assert update["message"]["chat"] == {
        "id": 42,
        "type": "private",
        "first_name": "Olga",
        "username": "olga_ops",
    }


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ({"from": {"id": 42}, "text": "hi"}, "bot_id"),
        ({"bot_id": BOT_ID, "text": "hi"}, "from"),
        ({"bot_id": BOT_ID, "from": OLGA}, "text"),
        ({"bot_id": BOT_ID, "from": OLGA, "text": "hi", "media": "photo"}, "text"),
        ({"bot_id": BOT_ID, "from": OLGA, "media": "gif"}, "media"),
        ({"bot_id": BOT_ID, "from": OLGA, "media": "sticker", "caption": "x"}, "caption"),
        ({"bot_id": BOT_ID, "from": OLGA, "text": "hi", "chat_id": 7}, "chat_id"),
        ({"bot_id": BOT_ID, "from": OLGA, "text": "hi", "reply_to_message_id": 99}, "99"),
        (
            {"bot_id": BOT_ID, "from": OLGA, "text": "hi", "chat_id": -5, "message_thread_id": 3},
            "-100",
        ),
    ],
)
async def test_a_message_the_control_api_cannot_post(
    telegram: SimControl, body: dict[str, Any], names: str
) -> None:
    with pytest.raises(SimControlError, match=names):
        await telegram._request("POST", "telegram/updates", body)


async def test_update_ids_increase_per_bot_and_never_restart(
    bot: Bot, telegram: SimControl
) -> None:
    ids = [(await telegram.post_message(TOKEN, OLGA, text=str(n)))["update_id"] for n in range(3)]
    other = await telegram.post_message(OTHER_TOKEN, OLGA, text="x")
    assert ids == [ids[0], ids[0] + 1, ids[0] + 2]
    assert [u["update_id"] for u in await updates(bot)] == ids
    _status, body, _ = await bot("getUpdates", token=OTHER_TOKEN)
    assert [u["update_id"] for u in body["result"]] == [other["update_id"]]
    await telegram.reset()
    after = await telegram.post_message(TOKEN, OLGA, text="after a reset")
    assert after["update_id"] == ids[-1] + 1


async def test_get_updates_confirms_by_offset_and_limits(bot: Bot, telegram: SimControl) -> None:
    posted = [
        (await telegram.post_message(BOT_ID, OLGA, text=str(n)))["update_id"] for n in range(5)
    ]
    assert [u["update_id"] for u in await updates(bot, limit=2)] == posted[:2]
    assert [u["update_id"] for u in await updates(bot)] == posted
    assert [u["update_id"] for u in await updates(bot, offset=posted[3])] == posted[3:]
    assert [u["update_id"] for u in await updates(bot)] == posted[3:]
    assert await updates(bot, offset=posted[-1] + 1) == []
    _status, body, _ = await bot("getWebhookInfo")
    assert body["result"] == {"url": "", "has_custom_certificate": False, "pending_update_count": 0}


async def test_long_polling_holds_until_an_update_arrives(bot: Bot, telegram: SimControl) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(updates(bot, timeout=10))
    await asyncio.sleep(0.2)
    assert not poll.done()
    update = await telegram.post_message(BOT_ID, OLGA, text="/send all")
    assert await asyncio.wait_for(poll, 5) == [update]
    assert time.monotonic() - started < 5


async def test_long_polling_answers_empty_when_the_timeout_passes(bot: Bot) -> None:
    started = time.monotonic()
    assert await updates(bot, timeout=1) == []
    assert 0.9 < time.monotonic() - started < 5


async def test_a_second_poller_ends_the_first_with_409(bot: Bot) -> None:
    first = asyncio.create_task(bot("getUpdates", json={"timeout": 10}))
    await asyncio.sleep(0.2)
    second = asyncio.create_task(bot("getUpdates", json={"timeout": 1}))
    status, body, _ = await asyncio.wait_for(first, 5)
    assert (status, body["error_code"]) == (409, 409)
    assert body["description"].startswith("Conflict: terminated by other getUpdates request")
    assert (await second)[0] == 200


class Receiver:
    """A tiny webhook endpoint: records what it gets, answers the statuses it is told."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, Any], str | None]] = []
        self.statuses: list[int] = []
        self.arrived = asyncio.Event()
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        self.received.append((await request.json(), secret))
        self.arrived.set()
        return web.Response(status=self.statuses.pop(0) if self.statuses else 200)

    async def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + 10
        while len(self.received) < count:
            assert time.monotonic() < deadline, self.received
            self.arrived.clear()
            await asyncio.wait_for(self.arrived.wait(), 10)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    receiver.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    yield receiver
    await runner.cleanup()


async def test_webhook_delivery_with_the_secret_and_retries(
    bot: Bot, telegram: SimControl, receiver: Receiver
) -> None:
    waiting = await telegram.post_message(BOT_ID, OLGA, text="before the webhook")
    receiver.statuses = [500]
    hook = {"url": receiver.url, "secret_token": "s3cret_-token"}
    status, body, _ = await bot("setWebhook", json=hook)
    assert (status, body["result"]) == (200, True)
    await receiver.wait_for(2)
    assert receiver.received == [(waiting, "s3cret_-token")] * 2
    later = await telegram.post_message(BOT_ID, OLGA, text="/send all")
    await receiver.wait_for(3)
    assert receiver.received[2] == (later, "s3cret_-token")
    status, body, _ = await bot("getWebhookInfo")
    info = body["result"]
    assert (info["url"], info["pending_update_count"]) == (receiver.url, 0)
    assert (
        info["last_error_message"] == "Wrong response from the webhook: 500 Internal Server Error"
    )
    status, body, _ = await bot("getUpdates")
    assert status == 409
    assert "can't use getUpdates method while webhook is active" in body["description"]


async def test_delete_webhook_returns_updates_to_get_updates(
    bot: Bot, telegram: SimControl, receiver: Receiver
) -> None:
    receiver.statuses = [503] * 100
    await bot("setWebhook", json={"url": receiver.url})
    update = await telegram.post_message(BOT_ID, OLGA, text="kept")
    await receiver.wait_for(1)
    status, body, _ = await bot("deleteWebhook")
    assert (status, body["result"]) == (200, True)
    assert await updates(bot) == [update]
    await bot("setWebhook", json={"url": receiver.url, "drop_pending_updates": True})
    await bot("deleteWebhook")
    assert await updates(bot) == []


@pytest.mark.parametrize(
    ("hook", "description"),
    [
        ({"url": "ftp://x/hook"}, "Bad Request: bad webhook: An HTTPS URL must be provided"),
        (
            {"url": "https://x/hook", "secret_token": "no spaces"},
            "Bad Request: secret token contains unallowed characters",
        ),
    ],
)
async def test_a_bad_webhook_is_refused(bot: Bot, hook: dict[str, Any], description: str) -> None:
    status, body, _ = await bot("setWebhook", json=hook)
    assert status == 400
    assert body["description"].startswith(description)


async def test_chat_members_default_member_and_as_set(bot: Bot, telegram: SimControl) -> None:
    await telegram.post_message(BOT_ID, OLGA, GROUP, "hi")
    status, body, _ = await bot("getChatMember", json={"chat_id": GROUP, "user_id": 42})
    assert (status, body["result"]) == (
        200,
        {"status": "member", "user": {"is_bot": False, **OLGA}},
    )
    await telegram.set_chat_member(GROUP, 42, "administrator")
    await telegram.set_chat_member(GROUP, 7, "creator", first_name="Boss")
    await telegram.set_chat_member(GROUP, 8, "left")
    status, body, _ = await bot("getChatMember", data={"chat_id": str(GROUP), "user_id": "42"})
    admin = body["result"]
    assert (admin["status"], admin["user"]["username"], admin["can_manage_topics"]) == (
        "administrator",
        "olga_ops",
        True,
    )
    status, body, _ = await bot("getChatAdministrators", json={"chat_id": GROUP})
    assert [(m["status"], m["user"]["first_name"]) for m in body["result"]] == [
        ("administrator", "Olga"),
        ("creator", "Boss"),
    ]
    status, body, _ = await bot("getChatMember", json={"chat_id": -1009, "user_id": 42})
    assert body["result"]["status"] == "member"
    with pytest.raises(SimControlError, match="status must be one of"):
        await telegram.set_chat_member(GROUP, 42, "owner")


async def test_get_chat_member_needs_a_user(bot: Bot, telegram: SimControl) -> None:
    status, body, _ = await bot("getChatMember", json={"chat_id": GROUP})
    assert (status, body["description"]) == (400, "Bad Request: invalid user_id specified")
    await telegram.set_recipient(GROUP, "kicked")
    status, body, _ = await bot("getChatMember", json={"chat_id": GROUP, "user_id": 1})
    assert status == 403


async def test_forum_topics(bot: Bot) -> None:
    status, body, _ = await bot(
        "createForumTopic", json={"chat_id": GROUP, "name": "Bob", "icon_color": 16766590}
    )
    assert (status, body["result"]["name"], body["result"]["icon_color"]) == (
        200,
        "Bob",
        16766590,
    )
    second = await open_topic(bot, "Carol")
    assert second > body["result"]["message_thread_id"]
    status, body, _ = await bot("createForumTopic", json={"chat_id": -5, "name": "x"})
    assert (status, body["description"]) == (400, "Bad Request: the chat is not a forum")
    status, body, _ = await bot("createForumTopic", json={"chat_id": GROUP, "name": ""})
    assert status == 400


async def test_the_bot_answers_in_a_topic_as_a_reply(bot: Bot, telegram: SimControl) -> None:
    thread_id = await open_topic(bot)
    command = await telegram.post_message(
        BOT_ID, OLGA, GROUP, "/send all", message_thread_id=thread_id
    )
    asked = command["message"]
    params = {
        "chat_id": GROUP,
        "text": "Started",
        "message_thread_id": thread_id,
        "reply_parameters": {"message_id": asked["message_id"]},
    }
    status, body, _ = await bot("sendMessage", json=params)
    assert status == 200, body
    sent = body["result"]
    assert (sent["message_thread_id"], sent["is_topic_message"]) == (thread_id, True)
    assert sent["reply_to_message"]["text"] == "/send all"
    assert sent["message_id"] > asked["message_id"]
    [call] = await telegram.calls(method="sendMessage", recipient=GROUP)
    assert call["params"] == params
    # Users may reply to the bot's messages in groups.
    reply = await telegram.post_message(
        BOT_ID, OLGA, GROUP, "thanks", reply_to_message_id=sent["message_id"]
    )
    assert reply["message"]["reply_to_message"]["text"] == "Started"


async def test_replies_by_the_older_parameter_and_to_missing_messages(
    bot: Bot, telegram: SimControl
) -> None:
    asked = (await telegram.post_message(BOT_ID, OLGA, GROUP, "/send all"))["message"]
    status, body, _ = await bot(
        "sendPhoto",
        data={"chat_id": str(GROUP), "photo": "AgACx", "reply_to_message_id": asked["message_id"]},
    )
    assert body["result"]["reply_to_message"]["message_id"] == asked["message_id"]
    status, body, _ = await bot(
        "sendMessage",
        json={"chat_id": GROUP, "text": "x", "reply_parameters": {"message_id": 10**6}},
    )
    assert (status, body["description"]) == (400, "Bad Request: message to be replied not found")
    status, body, _ = await bot(
        "sendMessage",
        json={
            "chat_id": GROUP,
            "text": "x",
            "reply_parameters": {"message_id": 10**6, "allow_sending_without_reply": True},
        },
    )
    assert status == 200
    assert "reply_to_message" not in body["result"]


async def test_a_topic_that_does_not_exist(bot: Bot) -> None:
    await open_topic(bot)
    status, body, _ = await bot(
        "sendMessage", json={"chat_id": GROUP, "text": "x", "message_thread_id": 10**6}
    )
    assert (status, body["description"]) == (400, "Bad Request: message thread not found")


async def test_a_document_upload_is_kept(bot: Bot, telegram: SimControl) -> None:
    report = b"recipient,status\n1,delivered\n" * 100
    form = aiohttp.FormData()
    form.add_field("chat_id", str(GROUP))
    form.add_field("caption", "Report")
    form.add_field("document", report, filename="report-7.csv", content_type="text/csv")
    status, body, _ = await bot("sendDocument", data=form)
    assert status == 200, body
    document = body["result"]["document"]
    assert (document["file_name"], document["file_size"]) == ("report-7.csv", len(report))
    [call] = await telegram.calls(method="sendDocument")
    assert call["params"]["document"] == {
        "filename": "report-7.csv",
        "size": len(report),
        "content_type": "text/csv",
        "file_id": document["file_id"],
    }
    kept = await telegram.uploaded_file(document["file_id"])
    assert (kept.file_name, kept.content_type, kept.data) == ("report-7.csv", "text/csv", report)
    with pytest.raises(SimControlError, match="404"):
        await telegram.uploaded_file("BQACnothing")


async def test_an_upload_over_50_mb_is_too_large(bot: Bot, telegram: SimControl) -> None:
    form = aiohttp.FormData()
    form.add_field("chat_id", str(GROUP))
    form.add_field("document", b"x" * (50 * 1024 * 1024 + 1), filename="big.csv")
    status, body, _ = await bot("sendDocument", data=form)
    assert (status, body) == (
        413,
        {"ok": False, "error_code": 413, "description": "Request Entity Too Large"},
    )
    [call] = await telegram.calls(method="sendDocument")
    assert call["status"] == 413
