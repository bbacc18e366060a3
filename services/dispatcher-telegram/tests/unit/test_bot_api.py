"""The Bot API's answers, as the Bot API documents them, mapped to outcomes."""

from __future__ import annotations

import pytest
from contracts.dispatch import OutboundMedia, OutboundText
from dispatch_core.model import ConnectionBlocked, Failed, RateLimited, Redirect, Retry, Sent
from dispatcher_telegram.bot_api import chat_id, interpret, request_for


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
def test_each_media_type_has_its_method(
    media_type: str, method: str, field: str, caption: bool
) -> None:
    content = OutboundMedia(media_type=media_type, file="AgACAgIAAxkBAAIB", caption="look")  # type: ignore[arg-type]
    name, payload = request_for(content, 42)
    assert name == method
    assert payload[field] == "AgACAgIAAxkBAAIB"
    assert ("caption" in payload) is caption


def test_text_and_chat_ids() -> None:
    assert request_for(OutboundText(text="hi"), chat_id("-1001")) == (
        "sendMessage",
        {"chat_id": -1001, "text": "hi"},
    )
    assert chat_id("@channel") == "@channel"
