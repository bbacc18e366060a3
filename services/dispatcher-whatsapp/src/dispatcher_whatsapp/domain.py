"""This product's anti-ban rules for a WhatsApp number, pure.

How many people a number may message on a UTC day: none in its first
`warmup_days` after `first_used_at`; then `warmup_start_per_day`, growing by
`warmup_daily_increase` each day; never more than `daily_recipient_cap`.  The
limit is on people: someone already messaged today (an earlier step of a chain)
does not count again, so a chain begun today can finish today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from dispatch_core.limits import Limits
from dispatch_core.model import Skip

WARMUP_RULE = "policy.warmup"
DAILY_CAP_RULE = "policy.daily_cap"


@dataclass(frozen=True)
class DailyAllowance:
    """How many people the number may message today, and which rule says so."""

    recipients: int | None
    """None: no limit."""
    rule: str
    limit: str
    """The limit in words, for a skipped message's reason."""
    resumes_at: datetime | None = None
    """When one more person may be messaged (None: not by the passing of time)."""


@dataclass(frozen=True)
class TodaysRecipients:
    messaged: int
    """People the number messaged today (UTC)."""
    includes_this_one: bool


def utc_day(at: datetime) -> date:
    return at.astimezone(UTC).date()


def next_utc_day(at: datetime) -> datetime:
    return datetime.combine(utc_day(at) + timedelta(days=1), time(), tzinfo=UTC)


def daily_allowance(
    limits: Limits, first_used_at: datetime | None, now: datetime
) -> DailyAllowance:
    warming = _warm_up(limits, first_used_at, now)
    if warming is not None:
        return warming
    cap = limits.daily_recipient_cap
    if cap is None:
        return DailyAllowance(None, DAILY_CAP_RULE, "no daily cap")
    return DailyAllowance(
        cap,
        DAILY_CAP_RULE,
        f"at most {cap} recipients per number per UTC day",
        resumes_at=next_utc_day(now),
    )


def _warm_up(
    limits: Limits, first_used_at: datetime | None, now: datetime
) -> DailyAllowance | None:
    """The warm-up's allowance while it is below the daily cap (None: it is not)."""
    ramps = bool(limits.warmup_start_per_day or limits.warmup_daily_increase)
    if not (limits.warmup_days or ramps):
        return None
    if first_used_at is None:
        return DailyAllowance(
            0,
            WARMUP_RULE,
            "the number's first use is unknown (its connection has no first_used_at), so it "
            "counts as new and sends no mass messages until first_used_at is set",
        )
    warm_from = first_used_at + timedelta(days=limits.warmup_days)
    if now < warm_from:
        return DailyAllowance(
            0,
            WARMUP_RULE,
            f"no mass sending in a number's first {limits.warmup_days} days "
            f"(first used {first_used_at:%Y-%m-%d %H:%M} UTC)",
            resumes_at=warm_from,
        )
    day = (utc_day(now) - utc_day(warm_from)).days
    ramp = limits.warmup_start_per_day + day * limits.warmup_daily_increase
    cap = limits.daily_recipient_cap
    if not ramps or (cap is not None and ramp >= cap):
        return None
    return DailyAllowance(
        ramp,
        WARMUP_RULE,
        f"warm-up: {ramp} recipients a day on day {day + 1} after the first "
        f"{limits.warmup_days} days ({limits.warmup_start_per_day} a day, "
        f"+{limits.warmup_daily_increase} each day)",
        resumes_at=next_utc_day(now),
    )


def over_allowance(allowance: DailyAllowance, today: TodaysRecipients) -> Skip | None:
    """The skip for one more person today, or None when they may be messaged."""
    limit = allowance.recipients
    if limit is None or today.includes_this_one or today.messaged < limit:
        return None
    reason = allowance.limit
    if limit:
        reason += f"; {today.messaged} already messaged today"
    if allowance.resumes_at is not None:
        reason += f"; sending can resume at {allowance.resumes_at:%Y-%m-%d %H:%M} UTC"
    return Skip(allowance.rule, reason)
