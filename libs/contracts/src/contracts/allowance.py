"""How many people a sender account may message on a UTC day, pure: the one
arithmetic the WhatsApp dispatcher enforces and the campaign-api estimates with.

A number sends to nobody in its first `warmup_days` after `first_used_at`; then
to `warmup_start_per_day` people, growing by `warmup_daily_increase` each UTC
day; never to more than `daily_recipient_cap`.  These are rates, not bans: a
message over today's allowance waits for the next allowance (`next_allowance`),
and `sending_days` says on which days an audience will go.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from .base import ConnectionChannel
from .tenants import ConnectionLimits

WARMUP_RULE = "policy.warmup"
DAILY_CAP_RULE = "policy.daily_cap"
MAX_DAYS_AHEAD = 3660
"""How far `next_allowance` looks for a day with room (ten years)."""


@dataclass(frozen=True)
class DailyLimits:
    """A connection's daily rates (the channel's defaults with its own overrides)."""

    daily_recipient_cap: int | None
    """None: no cap."""
    warmup_days: int = 0
    warmup_start_per_day: int = 0
    warmup_daily_increase: int = 0

    @property
    def ramps(self) -> bool:
        return bool(self.warmup_start_per_day or self.warmup_daily_increase)


DAILY_DEFAULTS: dict[str, DailyLimits] = {
    "telegram_bot": DailyLimits(daily_recipient_cap=None),
    "telegram_user": DailyLimits(daily_recipient_cap=300),
    # this product's anti-ban defaults for WhatsApp numbers
    "whatsapp": DailyLimits(
        daily_recipient_cap=200, warmup_days=10, warmup_start_per_day=10, warmup_daily_increase=2
    ),
    "instagram": DailyLimits(daily_recipient_cap=None),
}
DAILY_FIELDS = frozenset(asdict(DAILY_DEFAULTS["whatsapp"]))

MIN_GAP_DEFAULTS: dict[str, float] = {
    "telegram_bot": 0.0,
    "telegram_user": 5.0,
    "whatsapp": 15.0,
    "instagram": 0.0,
}
"""The least seconds between two messages from one account, by channel (a
connection's `min_gap_seconds` overrides it): the dispatchers hold it whatever
interval a campaign asks for."""


RATE_DEFAULTS: dict[str, float | None] = {
    "telegram_bot": 30.0,
    "telegram_user": 0.2,
    "whatsapp": None,
    "instagram": 250.0,
}
"""Messages per second from one account, by channel (None: no rate; a connection's
`rate_per_second` overrides it)."""

REPLY_WINDOW_DEFAULTS: dict[str, float | None] = {
    "telegram_bot": None,
    "telegram_user": 24.0,
    "whatsapp": 24.0,
    "instagram": 24.0,
}
"""Only people who wrote within this many hours, by channel (None: anyone; WhatsApp
outside approved templates only; a connection's `reply_window_hours` overrides it)."""


def rate_per_second(channel: ConnectionChannel, overrides: ConnectionLimits) -> float | None:
    """The connection's messages per second at most (None: no rate)."""
    if overrides.rate_per_second is not None:
        return overrides.rate_per_second
    return RATE_DEFAULTS[channel]


def reply_window_hours(channel: ConnectionChannel, overrides: ConnectionLimits) -> float | None:
    """The connection's reply window in hours (None: it may message anyone)."""
    if overrides.reply_window_hours is not None:
        return overrides.reply_window_hours
    return REPLY_WINDOW_DEFAULTS[channel]


def min_gap_seconds(channel: ConnectionChannel, overrides: ConnectionLimits) -> float:
    """The connection's least gap between two of its messages."""
    if overrides.min_gap_seconds is not None:
        return overrides.min_gap_seconds
    return MIN_GAP_DEFAULTS[channel]


def daily_limits(channel: ConnectionChannel, overrides: ConnectionLimits) -> DailyLimits:
    """The channel's daily defaults with the connection's own settings on top."""
    chosen = overrides.model_dump(include=set(DAILY_FIELDS), exclude_none=True)
    return replace(DAILY_DEFAULTS[channel], **chosen)


@dataclass(frozen=True)
class Allowance:
    """How many people the number may message on the UTC day of a moment, and
    which rule says so."""

    recipients: int | None
    """None: no limit."""
    rule: str
    limit: str
    """The limit in words, for a waiting or skipped message's reason."""
    resumes_at: datetime | None = None
    """When the allowance is next renewed (None: not by the passing of time)."""


def utc_day(at: datetime) -> date:
    return at.astimezone(UTC).date()


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def next_utc_day(at: datetime) -> datetime:
    return day_start(utc_day(at) + timedelta(days=1))


def allowance_at(limits: DailyLimits, first_used_at: datetime | None, now: datetime) -> Allowance:
    """The allowance of the UTC day `now` falls in, as it stands at `now`."""
    warming = _warm_up(limits, first_used_at, now)
    if warming is not None:
        return warming
    cap = limits.daily_recipient_cap
    if cap is None:
        return Allowance(None, DAILY_CAP_RULE, "no daily cap")
    return Allowance(
        cap,
        DAILY_CAP_RULE,
        f"at most {cap} recipients per number per UTC day",
        resumes_at=next_utc_day(now) if cap > 0 else None,
    )


def _warm_up(
    limits: DailyLimits, first_used_at: datetime | None, now: datetime
) -> Allowance | None:
    """The warm-up's allowance while it is below the daily cap (None: it is not)."""
    if not (limits.warmup_days or limits.ramps):
        return None
    if first_used_at is None:
        return Allowance(
            0,
            WARMUP_RULE,
            "the number's first use is unknown (its connection has no first_used_at), so it "
            "counts as new and sends no mass messages until first_used_at is set",
        )
    warm_from = first_used_at + timedelta(days=limits.warmup_days)
    if now < warm_from:
        return Allowance(
            0,
            WARMUP_RULE,
            f"no mass sending in a number's first {limits.warmup_days} days "
            f"(first used {first_used_at:%Y-%m-%d %H:%M} UTC)",
            resumes_at=warm_from,
        )
    day = (utc_day(now) - utc_day(warm_from)).days
    ramp = limits.warmup_start_per_day + day * limits.warmup_daily_increase
    cap = limits.daily_recipient_cap
    if not limits.ramps or (cap is not None and ramp >= cap):
        return None
    return Allowance(
        ramp,
        WARMUP_RULE,
        f"warm-up: {ramp} recipients a day on day {day + 1} after the first "
        f"{limits.warmup_days} days ({limits.warmup_start_per_day} a day, "
        f"+{limits.warmup_daily_increase} each day)",
        resumes_at=next_utc_day(now),
    )


def next_allowance(
    limits: DailyLimits, first_used_at: datetime | None, now: datetime
) -> datetime | None:
    """When a number whose allowance is used up at `now` may next message someone
    new: the first renewal with room for at least one person; None when the
    passing of time never brings one (a cap of 0, an unknown first use)."""
    at = allowance_at(limits, first_used_at, now).resumes_at
    for _ in range(MAX_DAYS_AHEAD):
        if at is None:
            return None
        then = allowance_at(limits, first_used_at, at)
        if then.recipients is None or then.recipients > 0:
            return at
        at = then.resumes_at
    return None


@dataclass(frozen=True)
class SendingDays:
    """On which UTC days an audience goes out under a number's daily allowance."""

    recipients: int
    first_day: date
    """The UTC day the campaign starts."""
    on_first_day: int
    """People messaged on the first day."""
    days: int
    """UTC days on which someone is messaged (0: no one ever is)."""
    last_day: date | None
    """The day the last person is messaged (None: no one is, or some never are)."""
    never: int = 0
    """People the allowance never makes room for (a cap of 0, an unknown first use)."""


def sending_days(
    limits: DailyLimits, first_used_at: datetime | None, start: datetime, recipients: int
) -> SendingDays:
    """How `recipients` people spread over the days from `start`, each day taking
    its whole allowance (so: if the number messages no one else meanwhile)."""
    first_day = utc_day(start)
    left, days, on_first, last = recipients, 0, 0, None
    at: datetime | None = start
    while left > 0 and at is not None:
        allowance = allowance_at(limits, first_used_at, at)
        per_day = left if allowance.recipients is None else allowance.recipients
        # past the warm-up the allowance is the same every day: whole days of it at once
        steady = allowance.rule == DAILY_CAP_RULE
        runs = (-(-left // per_day) if steady else 1) if per_day > 0 else 0
        if runs:
            if utc_day(at) == first_day:
                on_first += min(left, per_day)
            days += runs
            last = utc_day(at) + timedelta(days=runs - 1)
            left -= min(left, per_day * runs)
        at = allowance.resumes_at if left else None
    return SendingDays(
        recipients=recipients,
        first_day=first_day,
        on_first_day=on_first,
        days=days,
        last_day=last if left == 0 else None,
        never=left,
    )


def sending_days_note(channel_limits: DailyLimits, plan: SendingDays) -> str:
    """The plan in words, for an estimate or a dry run."""
    if plan.recipients == 0:
        return "no recipients"
    if plan.never:
        return (
            f"{plan.never} of {plan.recipients} recipients would never be messaged: the "
            "number's allowance never grows (a daily cap of 0, or no first_used_at)"
        )
    if plan.days <= 1 and plan.on_first_day == plan.recipients:
        return f"all {plan.recipients} go on {plan.first_day:%Y-%m-%d} (UTC)"
    assert plan.last_day is not None
    cap = channel_limits.daily_recipient_cap
    why = f"at most {cap} recipients a day" if cap is not None else "the daily allowance"
    if channel_limits.warmup_days or channel_limits.ramps:
        why += " and the warm-up"
    return (
        f"{plan.on_first_day} go on {plan.first_day:%Y-%m-%d}; the rest wait for the number's "
        f"daily allowance ({why}): all {plan.recipients} on {plan.days} days, the last on "
        f"{plan.last_day:%Y-%m-%d} (UTC), if the number messages no one else meanwhile"
    )
