from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import aiohttp
import pytest
from platform_sim import RunningSimulators, SimControl

Answer = tuple[int, Any, Mapping[str, str]]
Http = Callable[..., Awaitable[Answer]]
Bot = Callable[..., Awaitable[Answer]]
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"
BOT_ID = 123456789
MEDIA = {
    "sendPhoto": "photo",
    "sendVideo": "video",
    "sendVoice": "voice",
    "sendVideoNote": "video_note",
    "sendSticker": "sticker",
    "sendDocument": "document",
    "sendAnimation": "animation",
    "sendAudio": "audio",
}
REQUIRED_MEDIA_FIELDS = {
    "video": {"width", "height", "duration"},
    "voice": {"duration"},
    "video_note": {"length", "duration"},
    "sticker": {"type", "width", "height", "is_animated", "is_video"},
    "document": set(),
    "animation": {"width", "height", "duration"},
    "audio": {"duration"},
}


@pytest.fixture
def bot(sims: RunningSimulators, http: Http, telegram: SimControl) -> Bot:
    base = sims.base_url("telegram")

    async def call(
        method: str, http_method: str = "POST", token: str = TOKEN, **kwargs: Any
    ) -> Answer:
        return await http(http_method, f"{base}/bot{token}/{method}", **kwargs)

    return call


def assert_error(answer: Answer, status: int, description: str) -> None:
    got_status, body, _ = answer
    assert (got_status, body) == (
        status,
        {"ok": False, "error_code": status, "description": description},
    )


async def test_get_me_describes_the_bot(bot: Bot) -> None:
    status, body, _ = await bot("getMe", "GET")
    assert status == 200
    assert body["ok"] is True
    me = body["result"]
    assert (me["id"], me["is_bot"]) == (BOT_ID, True)
    assert me["first_name"]
    assert me["username"].endswith("bot")


@pytest.mark.parametrize("encoding", ["query", "form", "json", "multipart"])
async def test_send_message_accepts_every_encoding(
    bot: Bot, telegram: SimControl, encoding: str
) -> None:
    params = {"chat_id": "1001", "text": "Hello, Alice!"}
    if encoding == "query":
        answer = await bot("sendMessage", "GET", params=params)
    elif encoding == "form":
        answer = await bot("sendMessage", data=params)
    elif encoding == "json":
        answer = await bot("sendMessage", json={"chat_id": 1001, "text": "Hello, Alice!"})
    else:
        form = aiohttp.FormData(params, default_to_multipart=True)
        answer = await bot("sendMessage", data=form)
    status, body, _ = answer
    assert status == 200
    message = body["result"]
    assert message["message_id"] == 1
    assert message["text"] == "Hello, Alice!"
    assert message["chat"] == {"id": 1001, "type": "private", "first_name": "User 1001"}
    assert message["from"]["id"] == BOT_ID
    assert isinstance(message["date"], int)
    [call] = await telegram.calls()
    assert call["method"] == "sendMessage"
    assert call["account"] == str(BOT_ID)
    assert call["recipient"] == "1001"
    assert call["params"]["text"] == "Hello, Alice!"
    assert call["status"] == 200
    assert call["response"] == body


async def test_method_names_are_case_insensitive(bot: Bot, telegram: SimControl) -> None:
    for number, method in enumerate(["SENDMESSAGE", "sendmessage", "SendMessage"]):
        status, _, _ = await bot(method, json={"chat_id": 2000 + number, "text": "hi"})
        assert status == 200
    assert [call["method"] for call in await telegram.calls()] == ["sendMessage"] * 3
    assert len(await telegram.calls(method="SENDmessage")) == 3


async def test_message_ids_increase_per_chat(bot: Bot, telegram: SimControl) -> None:
    await telegram.configure(per_recipient_per_second=None)
    ids = []
    for chat in (7, 7, 8, 7):
        _, body, _ = await bot("sendMessage", json={"chat_id": chat, "text": "hi"})
        ids.append(body["result"]["message_id"])
    assert ids == [1, 2, 1, 3]


@pytest.mark.parametrize(
    ("params", "status", "description"),
    [
        ({"text": "hi"}, 400, "Bad Request: chat_id is empty"),
        ({"chat_id": 5}, 400, "Bad Request: message text is empty"),
        ({"chat_id": 5, "text": ""}, 400, "Bad Request: message text is empty"),
        ({"chat_id": 5, "text": "x" * 4097}, 400, "Bad Request: message is too long"),
        ({"chat_id": "nobody", "text": "hi"}, 400, "Bad Request: chat not found"),
    ],
)
async def test_send_message_errors(
    bot: Bot, params: dict[str, Any], status: int, description: str
) -> None:
    assert_error(await bot("sendMessage", json=params), status, description)


async def test_text_of_4096_characters_is_accepted(bot: Bot) -> None:
    status, body, _ = await bot("sendMessage", json={"chat_id": 5, "text": "x" * 4096})
    assert status == 200
    assert len(body["result"]["text"]) == 4096


async def test_unknown_method_is_404(bot: Bot) -> None:
    assert_error(await bot("sendTelepathy", json={}), 404, "Not Found: method not found")


@pytest.mark.parametrize("token", ["123:short", "nodigits:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"])
async def test_malformed_token_is_401(bot: Bot, token: str) -> None:
    assert_error(await bot("getMe", token=token), 401, "Unauthorized")


async def test_valid_tokens_and_unauthorized_accounts(bot: Bot, telegram: SimControl) -> None:
    other = "42:" + "B" * 35
    await telegram.configure(valid_tokens=[TOKEN])
    assert (await bot("getMe"))[0] == 200
    assert_error(await bot("getMe", token=other), 401, "Unauthorized")
    await telegram.set_account(str(BOT_ID), "unauthorized")
    assert_error(await bot("getMe"), 401, "Unauthorized")
    await telegram.set_account(str(BOT_ID), "ok")
    assert (await bot("getMe"))[0] == 200


@pytest.mark.parametrize(("method", "field"), MEDIA.items())
async def test_media_by_url(bot: Bot, method: str, field: str) -> None:
    url = f"https://example.com/{field}.bin"
    status, body, _ = await bot(method, json={"chat_id": 31, field: url, "caption": "Autumn sale"})
    assert status == 200
    message = body["result"]
    assert message["caption"] == "Autumn sale"
    value = message[field]
    if field == "photo":
        assert [size["width"] for size in value] == sorted(size["width"] for size in value)
        for size in value:
            assert {"file_id", "file_unique_id", "width", "height"} <= size.keys()
    else:
        assert {"file_id", "file_unique_id"} | REQUIRED_MEDIA_FIELDS[field] <= value.keys()


@pytest.mark.parametrize(("method", "field"), MEDIA.items())
async def test_media_errors(bot: Bot, method: str, field: str) -> None:
    assert_error(
        await bot(method, json={"chat_id": 32}),
        400,
        f"Bad Request: there is no {field} in the request",
    )
    assert_error(
        await bot(method, json={"chat_id": 32, field: "AgACfile", "caption": "c" * 1025}),
        400,
        "Bad Request: message caption is too long",
    )


async def test_photo_by_file_id_is_echoed(bot: Bot) -> None:
    file_id = "AgACAgIAAxkBAAIBZ2abc"
    _, body, _ = await bot("sendPhoto", data={"chat_id": "33", "photo": file_id})
    assert body["result"]["photo"][-1]["file_id"] == file_id
    assert "caption" not in body["result"]


async def test_photo_upload_gets_a_new_file_id(bot: Bot, telegram: SimControl) -> None:
    form = aiohttp.FormData({"chat_id": "34", "caption": "look"})
    form.add_field("photo", b"\x89PNG" + b"0" * 96, filename="sale.png", content_type="image/png")
    status, body, _ = await bot("sendPhoto", data=form)
    assert status == 200
    largest = body["result"]["photo"][-1]
    assert largest["file_id"].startswith("AgAC")
    assert largest["file_size"] == 100
    [call] = await telegram.calls()
    assert call["params"]["photo"] == {
        "filename": "sale.png",
        "size": 100,
        "content_type": "image/png",
        "file_id": largest["file_id"],
    }
    form = aiohttp.FormData({"chat_id": "35"})
    form.add_field("document", b"%PDF", filename="menu.pdf", content_type="application/pdf")
    _, body, _ = await bot("sendDocument", data=form)
    document = body["result"]["document"]
    assert (document["file_name"], document["mime_type"]) == ("menu.pdf", "application/pdf")
    assert document["file_id"] != largest["file_id"]


async def test_form_fields_holding_json_are_decoded(bot: Bot, telegram: SimControl) -> None:
    markup = {"inline_keyboard": [[{"text": "Shop", "url": "https://example.com"}]]}
    _, body, _ = await bot(
        "sendMessage",
        data={"chat_id": "36", "text": "[SALE] {today}", "reply_markup": json.dumps(markup)},
    )
    assert body["result"]["reply_markup"] == markup
    assert body["result"]["text"] == "[SALE] {today}"
    [call] = await telegram.calls()
    assert call["params"]["reply_markup"] == markup


async def test_copy_message(bot: Bot) -> None:
    status, body, _ = await bot(
        "copyMessage", json={"chat_id": 37, "from_chat_id": 1, "message_id": 10}
    )
    assert (status, body) == (200, {"ok": True, "result": {"message_id": 1}})
    assert_error(
        await bot("copyMessage", json={"chat_id": 38, "message_id": 10}),
        400,
        "Bad Request: from_chat_id is empty",
    )


async def test_media_group_by_json(bot: Bot) -> None:
    media = [
        {"type": "photo", "media": "https://example.com/a.jpg", "caption": "first"},
        {"type": "video", "media": "BAACvideo"},
    ]
    status, body, _ = await bot("sendMediaGroup", json={"chat_id": 39, "media": media})
    assert status == 200
    first, second = body["result"]
    assert (first["message_id"], second["message_id"]) == (1, 2)
    assert first["media_group_id"] == second["media_group_id"]
    assert first["caption"] == "first"
    assert "photo" in first
    assert second["video"]["file_id"] == "BAACvideo"


async def test_media_group_with_attached_uploads(bot: Bot) -> None:
    media = [
        {"type": "photo", "media": "attach://one"},
        {"type": "document", "media": "attach://two"},
    ]
    form = aiohttp.FormData({"chat_id": "40", "media": json.dumps(media)})
    form.add_field("one", b"1" * 10, filename="one.jpg", content_type="image/jpeg")
    form.add_field("two", b"2" * 20, filename="two.txt", content_type="text/plain")
    status, body, _ = await bot("sendMediaGroup", data=form)
    assert status == 200
    photo, document = body["result"]
    assert photo["photo"][-1]["file_size"] == 10
    assert document["document"]["file_name"] == "two.txt"


@pytest.mark.parametrize("count", [1, 11])
async def test_media_group_needs_two_to_ten_items(bot: Bot, count: int) -> None:
    media = [{"type": "photo", "media": "https://example.com/a.jpg"}] * count
    status, body, _ = await bot("sendMediaGroup", json={"chat_id": 41, "media": media})
    assert status == 400
    assert body["description"].startswith("Bad Request:")


@pytest.mark.parametrize(
    ("state", "status", "description"),
    [
        ("blocked", 403, "Forbidden: bot was blocked by the user"),
        ("deactivated", 403, "Forbidden: user is deactivated"),
        ("kicked", 403, "Forbidden: bot was kicked from the group chat"),
        ("not_found", 400, "Bad Request: chat not found"),
    ],
)
async def test_recipient_states(
    bot: Bot, telegram: SimControl, state: str, status: int, description: str
) -> None:
    await telegram.set_recipient(50, state)
    assert_error(await bot("sendMessage", json={"chat_id": 50, "text": "hi"}), status, description)
    assert (await bot("sendMessage", json={"chat_id": 51, "text": "hi"}))[0] == 200
    await telegram.set_recipient(50, "ok")
    await telegram.configure(per_recipient_per_second=None)
    assert (await bot("sendMessage", json={"chat_id": 50, "text": "hi"}))[0] == 200


async def test_many_recipients_at_once(bot: Bot, telegram: SimControl) -> None:
    await telegram.set_recipients(["60", "61"], "blocked")
    for chat in (60, 61):
        status, _, _ = await bot("sendPhoto", json={"chat_id": chat, "photo": "AgACx"})
        assert status == 403


async def test_migrated_group_names_the_new_chat(bot: Bot, telegram: SimControl) -> None:
    await telegram.set_recipient(-4242, "migrated")
    status, body, _ = await bot("sendMessage", json={"chat_id": -4242, "text": "hi"})
    assert status == 400
    assert body == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: group chat was upgraded to a supergroup chat",
        "parameters": {"migrate_to_chat_id": -1004242},
    }
    await telegram.configure(migrate_to=-1009999)
    _, body, _ = await bot("sendMessage", json={"chat_id": -4242, "text": "hi"})
    assert body["parameters"] == {"migrate_to_chat_id": -1009999}


async def test_too_many_requests_shape(bot: Bot, telegram: SimControl) -> None:
    await telegram.configure(rate_per_second=2, retry_after_seconds=5)
    for chat in (70, 71):
        assert (await bot("sendMessage", json={"chat_id": chat, "text": "hi"}))[0] == 200
    status, body, headers = await bot("sendMessage", json={"chat_id": 72, "text": "hi"})
    assert (status, body) == (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 5",
            "parameters": {"retry_after": 5},
        },
    )
    assert headers["Retry-After"] == "5"


async def test_per_chat_limit(bot: Bot) -> None:
    assert (await bot("sendMessage", json={"chat_id": 80, "text": "1"}))[0] == 200
    status, body, _ = await bot("sendMessage", json={"chat_id": 80, "text": "2"})
    assert (status, body["parameters"]) == (429, {"retry_after": 1})
    assert (await bot("sendMessage", json={"chat_id": 81, "text": "1"}))[0] == 200


async def test_refused_requests_do_not_count_as_sends(bot: Bot, telegram: SimControl) -> None:
    await telegram.configure(rate_per_second=3)
    statuses = [
        (await bot("sendMessage", json={"chat_id": 90 + n, "text": "hi"}))[0] for n in range(6)
    ]
    assert statuses == [200, 200, 200, 429, 429, 429]
    stats = (await telegram.stats())["accounts"][str(BOT_ID)]
    assert (stats["calls"], stats["successes"], stats["max_in_any_1s_window"]) == (6, 3, 3)
    # what the client asked for, whatever was let through
    assert (stats["max_calls_in_any_1s_window"], stats["rate_limited"]) == (6, 3)


async def test_paid_broadcasts_go_past_the_free_limit(bot: Bot, telegram: SimControl) -> None:
    await telegram.configure(rate_per_second=3, paid_rate_per_second=5)
    paid = [
        (
            await bot(
                "sendMessage",
                json={"chat_id": 200 + n, "text": "hi", "allow_paid_broadcast": True},
            )
        )[0]
        for n in range(6)
    ]
    assert paid == [200] * 5 + [429]
    free = [
        (await bot("sendMessage", json={"chat_id": 300 + n, "text": "hi"}))[0] for n in range(4)
    ]
    assert free == [200] * 3 + [429]
    as_form = await bot(
        "sendMessage", data={"chat_id": "400", "text": "hi", "allow_paid_broadcast": "true"}
    )
    assert as_form[0] == 429  # the paid 5 of this second are used up


async def test_rate_limit_can_be_disabled(bot: Bot, telegram: SimControl) -> None:
    await telegram.configure(rate_per_second=None, per_recipient_per_second=None)
    for _ in range(40):
        assert (await bot("sendMessage", json={"chat_id": 100, "text": "hi"}))[0] == 200
