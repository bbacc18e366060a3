"""Asking a platform whether a connection's credentials work, with the cheapest
read each offers: Telegram `getMe`, the WhatsApp phone number's fields, the
Instagram account's fields.  Nothing is sent to anyone; the answer is in words.

A secret never appears in an answer or a log: the Telegram token is part of the
URL, so an HTTP error is named by its type, never by its text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from .domain.connections import (
    CheckAnswer,
    instagram_answer,
    telegram_answer,
    unreachable,
    whatsapp_answer,
)
from .settings import Settings

PHONE_NUMBER_FIELDS = "display_phone_number,verified_name,quality_rating,code_verification_status"
ACCOUNT_FIELDS = "user_id,username,name,account_type"
PLATFORM_OF = {"telegram_bot": "Telegram", "whatsapp": "WhatsApp", "instagram": "Instagram"}


def checkable(channel: str) -> bool:
    return channel in PLATFORM_OF


async def check_credentials(
    channel: str, credentials: Mapping[str, str], settings: Settings
) -> CheckAnswer:
    """What the platform says of `credentials` (a `telegram_user` is not checkable)."""
    base = _base_url(channel, settings)
    try:
        async with httpx.AsyncClient(timeout=settings.connection_check_timeout_seconds) as http:
            return await _ask(http, channel, credentials, base)
    except httpx.TimeoutException:
        seconds = f"{settings.connection_check_timeout_seconds:g}"
        return unreachable(PLATFORM_OF[channel], base, f"no answer within {seconds} s")
    except httpx.HTTPError as error:
        return unreachable(PLATFORM_OF[channel], base, type(error).__name__)


def _base_url(channel: str, settings: Settings) -> str:
    bases = {
        "telegram_bot": settings.telegram_api_base,
        "whatsapp": settings.whatsapp_api_base,
        "instagram": settings.instagram_api_base,
    }
    return bases[channel].rstrip("/")


async def _ask(
    http: httpx.AsyncClient, channel: str, credentials: Mapping[str, str], base: str
) -> CheckAnswer:
    if channel == "telegram_bot":
        answer = await http.get(f"{base}/bot{credentials.get('token', '')}/getMe")
        return telegram_answer(answer.status_code, _json(answer))
    bearer = {"Authorization": f"Bearer {credentials.get('access_token', '')}"}
    if channel == "whatsapp":
        phone_number_id = credentials.get("phone_number_id", "")
        answer = await http.get(
            f"{base}/{phone_number_id}", params={"fields": PHONE_NUMBER_FIELDS}, headers=bearer
        )
        return whatsapp_answer(answer.status_code, _json(answer), phone_number_id)
    account = credentials.get("ig_id") or "me"
    answer = await http.get(f"{base}/{account}", params={"fields": ACCOUNT_FIELDS}, headers=bearer)
    return instagram_answer(answer.status_code, _json(answer), account)


def _json(answer: httpx.Response) -> Any:
    try:
        return answer.json()
    except ValueError:
        return None
