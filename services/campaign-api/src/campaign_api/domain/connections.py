"""How a connection's secrets are shown, what a platform's answer to a check of
its credentials means, in words (what works, or what to fix), and where a
connection stands today under its daily allowance."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from contracts.allowance import (
    WARMUP_RULE,
    Allowance,
    DailyLimits,
    allowance_at,
    daily_limits,
    utc_day,
)
from contracts.base import ConnectionChannel
from contracts.tenants import ConnectionLimits

_SHOWN = ("phone_number_id", "ig_id")


def mask(secret: str) -> str:
    return "****" + secret[-4:] if len(secret) > 8 else "****"


def mask_credentials(credentials: Mapping[str, str]) -> dict[str, str]:
    """Identifiers stay readable; secrets show their last four characters at most."""
    return {key: value if key in _SHOWN else mask(value) for key, value in credentials.items()}


@dataclass(frozen=True)
class CheckAnswer:
    """Whether the platform accepted the credentials, and what it said."""

    ok: bool
    answer: str


def unreachable(platform: str, base_url: str, problem: str) -> CheckAnswer:
    return CheckAnswer(
        False,
        f"{platform} could not be reached at {base_url} ({problem}); nothing is known about "
        "the credentials: check the network (and the API base setting), then try again",
    )


def _trouble(platform: str, status: int, said: str) -> CheckAnswer | None:
    if status == 429:
        return CheckAnswer(False, f"{platform} asks to slow down ({said}); try again in a minute")
    if status >= 500:
        return CheckAnswer(False, f"{platform} is having trouble ({status}: {said}); try later")
    return None


def telegram_answer(status: int, body: Any) -> CheckAnswer:
    """`getMe`: `{"ok": true, "result": User}` or `{"ok": false, "error_code", "description"}`."""
    if status == 200 and isinstance(body, dict) and body.get("ok"):
        bot = body.get("result") or {}
        return CheckAnswer(
            True, f"Telegram bot @{bot.get('username')} (id {bot.get('id')}) answers"
        )
    said = str(body.get("description", "")) if isinstance(body, dict) else ""
    said = said or "no description"
    if status == 401:
        return CheckAnswer(
            False,
            f"Telegram says 401 {said}: the token is wrong or revoked; get a new one from "
            "@BotFather (/token)",
        )
    if status == 404:
        return CheckAnswer(
            False,
            f"Telegram says 404 {said}: no bot has this token; copy it again from @BotFather",
        )
    return _trouble("Telegram", status, said) or CheckAnswer(
        False, f"Telegram says {status} {said}"
    )


def whatsapp_answer(status: int, body: Any, phone_number_id: str) -> CheckAnswer:
    """`GET /<phone_number_id>?fields=...`: the number's fields, or a Graph API error."""

    def works(node: dict[str, Any]) -> str:
        return (
            f"WhatsApp number {node.get('display_phone_number')} "
            f"({node.get('verified_name')}) answers; quality rating {node.get('quality_rating')}"
        )

    missing = (
        f"WhatsApp shows no phone number {phone_number_id} to this token: use the Phone number "
        "ID of WhatsApp Manager > API Setup (not the phone number), and a token of the "
        "business that owns it"
    )
    return _graph_answer("WhatsApp", status, body, works, missing)


def instagram_answer(status: int, body: Any, ig_id: str) -> CheckAnswer:
    """`GET /<ig_id or me>?fields=user_id,username`: the account, or a Graph API error."""

    def works(node: dict[str, Any]) -> str:
        return f"Instagram account @{node.get('username')} (id {node.get('user_id')}) answers"

    missing = (
        f"Instagram shows no account {ig_id} to this token: use the account's Instagram id, "
        "or leave ig_id out (the token's own account)"
    )
    return _graph_answer("Instagram", status, body, works, missing)


def _graph_answer(
    platform: str,
    status: int,
    body: Any,
    works: Callable[[dict[str, Any]], str],
    missing: str,
) -> CheckAnswer:
    """The Graph API's answers: the node, or `{"error": {"message", "code", ...}}`."""
    if status == 200 and isinstance(body, dict) and "error" not in body:
        return CheckAnswer(True, works(body))
    error = body.get("error") if isinstance(body, dict) else None
    error = error if isinstance(error, dict) else {}
    code, message = error.get("code"), str(error.get("message") or "no message")
    said = f"code {code}: {message}"
    if code == 190 or status == 401:
        return CheckAnswer(
            False,
            f"{platform} says the access token is invalid or expired ({said}); make a new "
            "one and save it in the connection's credentials",
        )
    if code == 100 and error.get("error_subcode") == 33:
        return CheckAnswer(False, f"{missing} ({said})")
    if code in (10, 200) or status == 403:
        return CheckAnswer(
            False, f"{platform} says the token may not do this ({said}); grant the permissions"
        )
    return _trouble(platform, status, said) or CheckAnswer(
        False, f"{platform} says {status} ({said})"
    )


def connection_daily_limits(channel: ConnectionChannel, limits: Mapping[str, Any]) -> DailyLimits:
    """A connection's daily rates: its channel's defaults with its own settings on top
    (the arithmetic the WhatsApp dispatcher enforces, `contracts.allowance`)."""
    return daily_limits(channel, ConnectionLimits.model_validate(limits))


@dataclass(frozen=True)
class DailyStanding:
    """Where a connection stands today under its daily allowance."""

    allowance: Allowance
    """Today's allowance (recipients None: no limit), the rule and its words."""
    day: int | None
    """The UTC day since the number's first use, 1 on that day (None: unknown)."""
    warming_up: bool
    """Whether the warm-up, not the daily cap, sets today's allowance."""


def daily_standing(
    channel: ConnectionChannel,
    limits: Mapping[str, Any],
    first_used_at: datetime | None,
    now: datetime,
) -> DailyStanding:
    """Today's allowance of a connection and its day since first use."""
    today = allowance_at(connection_daily_limits(channel, limits), first_used_at, now)
    day = (utc_day(now) - utc_day(first_used_at)).days + 1 if first_used_at else None
    return DailyStanding(today, day, today.rule == WARMUP_RULE)
