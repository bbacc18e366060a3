"""The Bot API's answers, as the Bot API documents them, mapped to outcomes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from contracts.audience import Recipient
from contracts.base import utc_now
from contracts.dispatch import DispatchJob, OutboundMedia, OutboundText
from dispatch_core.limits import DEFAULTS
from dispatch_core.model import (
    ConnectionBlocked,
    ConnectionConfig,
    Failed,
    RateLimited,
    Redirect,
    Retry,
    Sent,
)
from dispatcher_telegram.bot_api import (
    TelegramBotClient,
    chat_id,
    interpret,
    pays_for_broadcasts,
    request_for,
)


def test_sent_carries_the_message_id() -> None:
    assert interpret(200, {"ok": True, "result": {"message_id": 4711}}) == Sent("4711")


@pytest.mark.parametrize(
    ("status", "answer", "expected"),
    [
        (
            429,
            {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 7",
                "parameters": {"retry_after": 7},
            },
            RateLimited(7.0, "429", "Too Many Requests: retry after 7"),
        ),
        (
            400,
            {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: group chat was upgraded to a supergroup chat",
                "parameters": {"migrate_to_chat_id": -1001234},
            },
            Redirect("-1001234"),
        ),
        (
            403,
            {
                "ok": False,
                "error_code": 403,
                "description": "Forbidden: bot was blocked by the user",
            },
            Failed("403", "Forbidden: bot was blocked by the user"),
        ),
        (
            403,
            {"ok": False, "error_code": 403, "description": "Forbidden: user is deactivated"},
            Failed("403", "Forbidden: user is deactivated"),
        ),
        (
            400,
            {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"},
            Failed("400", "Bad Request: chat not found"),
        ),
        (502, {}, Retry("5xx", "HTTP 502 from the Bot API")),
        (
            500,
            {"ok": False, "error_code": 500, "description": "Internal Server Error"},
            Retry("5xx", "Internal Server Error"),
        ),
    ],
)
def test_errors(status: int, answer: dict[str, object], expected: object) -> None:
    assert interpret(status, answer) == expected


def test_a_rejected_token_pauses_the_connection() -> None:
    outcome = interpret(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    assert isinstance(outcome, ConnectionBlocked)
    assert "update the connection's credentials" in outcome.reason


@pytest.mark.parametrize("file", ["https://cdn.example/a/b.bin", "AgACAgIAAxkBAAIB"])
@pytest.mark.parametrize(
    ("media_type", "method", "field", "caption"),
    [
        ("photo", "sendPhoto", "photo", True),
        ("video", "sendVideo", "video", True),
        ("voice", "sendVoice", "voice", True),
        ("video_note", "sendVideoNote", "video_note", False),
        ("sticker", "sendSticker", "sticker", False),
        ("document", "sendDocument", "document", True),
        ("animation", "sendAnimation", "animation", True),
        ("audio", "sendAudio", "audio", True),
    ],
)
def test_each_media_type_has_its_method_with_a_url_or_a_file_id(
    media_type: str, method: str, field: str, caption: bool, file: str
) -> None:
    # the Bot API takes a URL (Telegram downloads it) or a file_id in the same field;
    # video notes and stickers have no caption
    content = OutboundMedia(media_type=media_type, file=file, caption="look")  # type: ignore[arg-type]
    name, payload = request_for(content, 42)
    expected = {"chat_id": 42, field: file} | ({"caption": "look"} if caption else {})
    assert (name, payload) == (method, expected)


def test_a_media_message_without_a_caption_has_none() -> None:
    _, payload = request_for(OutboundMedia(media_type="photo", file="AgAC"), 42)
    assert payload == {"chat_id": 42, "photo": "AgAC"}


def test_paid_broadcasts_say_so_in_every_message() -> None:
    _, text = request_for(OutboundText(text="hi"), 42, paid_broadcast=True)
    _, photo = request_for(OutboundMedia(media_type="photo", file="AgAC"), 42, paid_broadcast=True)
    assert text["allow_paid_broadcast"] is True
    assert photo["allow_paid_broadcast"] is True


@pytest.mark.parametrize(("rate", "paid"), [(None, False), (30, False), (30.5, True), (1000, True)])
def test_a_bot_above_the_free_rate_pays_for_broadcasts(rate: float | None, paid: bool) -> None:
    config = ConnectionConfig(
        tenant_id="t",
        connection_id="bot",
        channel="telegram_bot",
        limits=replace(DEFAULTS["telegram_bot"], rate_per_second=rate),
        first_used_at=None,
        updated_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    assert pays_for_broadcasts(config) is paid


def test_a_retry_after_of_zero_means_at_once() -> None:
    answer = {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 0",
        "parameters": {"retry_after": 0},
    }
    assert interpret(429, answer) == RateLimited(0.0, "429", "Too Many Requests: retry after 0")


def test_text_and_chat_ids() -> None:
    assert request_for(OutboundText(text="hi"), chat_id("-1001")) == (
        "sendMessage",
        {"chat_id": -1001, "text": "hi"},
    )
    assert chat_id("@channel") == "@channel"


def a_job() -> DispatchJob:
    return DispatchJob(
        campaign_id=uuid4(),
        recipient_no=1,
        step_no=1,
        recipient=Recipient(recipient_no=1, contact_id="c:1", external_id="7001"),
        content=OutboundText(text="hello"),
        released_at=utc_now(),
    )


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (200, b' {"ok": true, "result": {"message_id": 12}}\n', Sent("12")),
        (502, b"<html>Bad Gateway</html>", Retry("5xx", "HTTP 502 from the Bot API")),
        (200, b"", Failed("200", "HTTP 200 from the Bot API")),
    ],
)
async def test_an_answer_is_read_from_its_body_and_one_not_json_is_no_answer(
    status: int, body: bytes, expected: object
) -> None:
    async def answer(request: web.Request) -> web.Response:
        return web.Response(status=status, body=body, content_type="text/html")

    app = web.Application()
    app.router.add_post("/bot{token}/sendMessage", answer)
    async with TestServer(app) as server:
        client = TelegramBotClient(str(server.make_url("/")), "1:" + "T" * 30, timeout=5.0)
        try:
            assert await client.send(a_job(), "7001") == expected
        finally:
            await client.close()


async def test_a_network_error_that_names_the_url_never_carries_the_token() -> None:
    token = "123456789:" + "S" * 35
    client = TelegramBotClient("http://:99999", token, timeout=2.0)  # an invalid URL
    job = a_job()
    try:
        outcome = await client.send(job, "7001")
    finally:
        await client.close()
    assert isinstance(outcome, Retry)
    assert token not in outcome.reason
    assert "S" * 35 not in outcome.reason
