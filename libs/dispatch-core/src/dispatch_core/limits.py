"""Each channel's policy defaults, and a connection's limits once its own
overrides are applied.  Every limit is a per-connection setting."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

from contracts.allowance import (
    DAILY_DEFAULTS,
    MIN_GAP_DEFAULTS,
    RATE_DEFAULTS,
    REPLY_WINDOW_DEFAULTS,
    DailyLimits,
)
from contracts.base import ConnectionChannel
from contracts.tenants import ConnectionLimits


@dataclass(frozen=True)
class Limits:
    rate_per_second: float | None
    """Messages per second from the account (None: no limit)."""
    per_recipient_interval_seconds: float
    max_in_flight: int
    """Messages of the connection on the wire at once (claimed, not yet recorded):
    a process killed mid-send leaves at most this many 'unknown'.  1 by default,
    as the product promises; a connection that needs more throughput than one
    round trip at a time allows (a bot at 1000/s) raises it, and with it that bound."""
    min_gap_seconds: float
    daily_recipient_cap: int | None
    warmup_days: int
    warmup_start_per_day: int
    warmup_daily_increase: int
    reply_window_hours: float | None
    """Only people who wrote within this many hours (None: anyone)."""
    max_attempts: int = 5
    """Attempts of a transiently failing message before it fails for good."""
    stop_hint: Mapping[str, str] | None = None
    """WhatsApp: the tenant's own wording of the STOP hint, by language (None: the
    built-in wording of `contracts.optout`)."""

    @property
    def daily(self) -> DailyLimits:
        """The daily cap and the warm-up (see `contracts.allowance`)."""
        return DailyLimits(
            daily_recipient_cap=self.daily_recipient_cap,
            warmup_days=self.warmup_days,
            warmup_start_per_day=self.warmup_start_per_day,
            warmup_daily_increase=self.warmup_daily_increase,
        )


def _daily(channel: ConnectionChannel) -> dict[str, Any]:
    """The channel's daily cap and warm-up, as `contracts.allowance` defines them."""
    return asdict(DAILY_DEFAULTS[channel])


DEFAULTS: dict[str, Limits] = {
    # Bot API: ~30 messages/s per bot, 1 per second per chat; identical mass messages are fine
    "telegram_bot": Limits(
        rate_per_second=RATE_DEFAULTS["telegram_bot"],
        per_recipient_interval_seconds=1.0,
        max_in_flight=1,
        min_gap_seconds=MIN_GAP_DEFAULTS["telegram_bot"],
        **_daily("telegram_bot"),
        reply_window_hours=REPLY_WINDOW_DEFAULTS["telegram_bot"],
    ),
    # personal accounts are watched for spam: slow, and only people who wrote lately
    "telegram_user": Limits(
        rate_per_second=RATE_DEFAULTS["telegram_user"],
        per_recipient_interval_seconds=5.0,
        max_in_flight=1,
        min_gap_seconds=MIN_GAP_DEFAULTS["telegram_user"],
        **_daily("telegram_user"),
        reply_window_hours=REPLY_WINDOW_DEFAULTS["telegram_user"],
    ),
    # this product's anti-ban defaults for WhatsApp numbers
    "whatsapp": Limits(
        rate_per_second=RATE_DEFAULTS["whatsapp"],
        per_recipient_interval_seconds=6.0,
        max_in_flight=1,
        min_gap_seconds=MIN_GAP_DEFAULTS["whatsapp"],
        **_daily("whatsapp"),
        reply_window_hours=REPLY_WINDOW_DEFAULTS["whatsapp"],
    ),
    # Send API: ~300 calls/s per account; never outside the 24-hour window.  One
    # call at a time: at the Graph API's round trip that is a few messages a
    # second, plenty for an audience of people who wrote in the last 24 hours,
    # and a crash leaves at most one message 'unknown' (raise it per connection)
    "instagram": Limits(
        rate_per_second=RATE_DEFAULTS["instagram"],
        per_recipient_interval_seconds=1.0,
        max_in_flight=1,
        min_gap_seconds=MIN_GAP_DEFAULTS["instagram"],
        **_daily("instagram"),
        reply_window_hours=REPLY_WINDOW_DEFAULTS["instagram"],
    ),
}


def resolve_limits(channel: ConnectionChannel, overrides: ConnectionLimits) -> Limits:
    """The channel's defaults with the connection's own settings on top."""
    chosen = {key: value for key, value in overrides.model_dump().items() if value is not None}
    return replace(DEFAULTS[channel], **chosen)
