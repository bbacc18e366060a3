"""What a platform's answer to a check of credentials says, in words."""

from __future__ import annotations

import pytest
from campaign_api.domain.connections import (
    instagram_answer,
    telegram_answer,
    whatsapp_answer,
)


def graph_error(code: int, subcode: int | None = None) -> dict[str, object]:
    error: dict[str, object] = {"message": f"(#{code}) refused", "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


def test_telegram_names_the_bot_or_what_to_do() -> None:
    bot = {"ok": True, "result": {"id": 123, "is_bot": True, "username": "demo_bot"}}
    assert telegram_answer(200, bot).answer == "Telegram bot @demo_bot (id 123) answers"
    refused = telegram_answer(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    assert not refused.ok
    assert "@BotFather" in refused.answer
    busy = telegram_answer(502, None)
    assert (busy.ok, busy.answer) == (
        False,
        "Telegram is having trouble (502: no description); try later",
    )


@pytest.mark.parametrize(
    ("status", "body", "says"),
    [
        (401, graph_error(190), "access token is invalid or expired (code 190"),
        (400, graph_error(100, 33), "no phone number 106540352242922 to this token"),
        (403, graph_error(10), "may not do this (code 10"),
        (429, graph_error(4), "asks to slow down"),
    ],
)
def test_whatsapp_says_what_to_fix(status: int, body: dict[str, object], says: str) -> None:
    answer = whatsapp_answer(status, body, "106540352242922")
    assert not answer.ok
    assert says in answer.answer


def test_the_graph_api_names_the_account() -> None:
    number = {"display_phone_number": "+1 555-010-0000", "verified_name": "Shop", "id": "1"}
    assert whatsapp_answer(200, {**number, "quality_rating": "GREEN"}, "1").answer == (
        "WhatsApp number +1 555-010-0000 (Shop) answers; quality rating GREEN"
    )
    account = {"user_id": "1784", "username": "shop", "id": "9"}
    assert (
        instagram_answer(200, account, "me").answer == "Instagram account @shop (id 1784) answers"
    )
    assert "leave ig_id out" in instagram_answer(400, graph_error(100, 33), "5").answer
