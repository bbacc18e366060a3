"""The pre-flight, pure: for one connection, before anything is created, how many
an audience matches, how many each rule will keep out and why, how long the
sending will take and when it ends, and what the sender should know first.

The rules mirror the dispatchers' (dispatch_core.policies and each channel's
policies) and the scheduler's: the reply window (Instagram, personal Telegram
accounts, WhatsApp outside an approved template), opted out and unknown ids
(the audience-resolver's counts), the monthly limit (the tenant's remaining
allowance), the pace (the connection's rate, the campaign's interval, the
account's minimum gap), WhatsApp's daily allowance (`contracts.allowance`) and
quiet hours in each recipient's zone (`contracts.quiet_hours`).  The figures are
those of sending now; the real audience is snapshotted at launch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from contracts import allowance
from contracts.audience import AudienceGroup
from contracts.base import ConnectionChannel
from contracts.content import WhatsAppTemplateContent
from contracts.quiet_hours import QuietHours, quiet_until, recipient_zone, zone_named
from contracts.scheduling import CampaignStep
from contracts.tenants import ConnectionLimits

WINDOW_ASKED = timedelta(hours=24)
"""The reply window the audience-resolver counts against (every channel's default)."""

LONGEST = timedelta(days=3650)
"""A sending that would take longer is shown as ending this far on (a connection's
limits allow gaps of any length)."""

REPLY_WINDOW = "reply_window"
OPTED_OUT = "opted_out"
UNKNOWN = "unknown"
MONTHLY_LIMIT = "monthly_limit"


@dataclass(frozen=True)
class PreflightWarning:
    code: str
    message: str


@dataclass(frozen=True)
class QuietWait:
    """Recipients whose local time at the start is inside quiet hours."""

    count: int
    until: datetime
    """When the last of them may go (their quiet hours end)."""


@dataclass(frozen=True)
class Plan:
    """What the pre-flight is asked about one connection."""

    connection_id: str
    channel: ConnectionChannel
    limits: ConnectionLimits
    first_used_at: datetime | None
    matching: int
    groups: Sequence[AudienceGroup]
    start_at: datetime
    interval_seconds: float = 0.0
    steps: Sequence[CampaignStep] = ()
    quiet_hours: QuietHours | None = None
    timezone: str = "UTC"
    opted_out: int = 0
    unknown: int = 0
    monthly_remaining: int | None = None
    """Messages the tenant may still send this month (None: not counted)."""


@dataclass(frozen=True)
class Preflight:
    connection_id: str
    matching: int
    kept_out: dict[str, int]
    will_send: int
    seconds_apart: float
    duration_seconds: float
    finish_at: datetime
    summary: str
    quiet: QuietWait | None = None
    warnings: list[PreflightWarning] = field(default_factory=list)


def window_start(start_at: datetime) -> datetime:
    """Whoever last wrote before this has a closed reply window at the start."""
    return start_at - WINDOW_ASKED


def _free_form(steps: Sequence[CampaignStep]) -> bool:
    """Some step is not an approved WhatsApp template (no steps known: assume so)."""
    return not steps or any(not isinstance(s.content, WhatsAppTemplateContent) for s in steps)


def window_hours(plan: Plan) -> float | None:
    """The reply window the dispatcher holds this campaign to (None: none)."""
    hours = allowance.reply_window_hours(plan.channel, plan.limits)
    if plan.channel == "whatsapp" and not _free_form(plan.steps):
        return None  # approved templates may go to anyone
    return hours


def seconds_apart(plan: Plan) -> float:
    """The least time between two of the campaign's messages on this connection."""
    rate = allowance.rate_per_second(plan.channel, plan.limits)
    by_rate = 1.0 / rate if rate else 0.0
    gap = allowance.min_gap_seconds(plan.channel, plan.limits)
    return min(max(plan.interval_seconds, gap, by_rate), LONGEST.total_seconds())


def quiet_wait(plan: Plan, people: Sequence[tuple[str | None, int]]) -> QuietWait | None:
    """Of (timezone attribute, count), those whose start is inside quiet hours."""
    if plan.quiet_hours is None:
        return None
    default = zone_named(plan.timezone) or zone_named("UTC")
    assert default is not None
    count, until = 0, None
    for name, size in people:
        ends = quiet_until(plan.start_at, plan.quiet_hours, recipient_zone(name, default))
        if ends is not None and size:
            count += size
            until = ends if until is None else max(until, ends)
    return QuietWait(count, until) if until is not None else None


def _kept_out(plan: Plan) -> dict[str, int]:
    kept: dict[str, int] = {}
    if window_hours(plan) is not None:
        kept[REPLY_WINDOW] = sum(g.window_closed for g in plan.groups)
    kept[OPTED_OUT] = plan.opted_out
    kept[UNKNOWN] = plan.unknown
    reachable = plan.matching - kept.get(REPLY_WINDOW, 0)
    messages = reachable * max(1, len(plan.steps))
    over = 0
    if plan.monthly_remaining is not None and messages > plan.monthly_remaining:
        over = (messages - plan.monthly_remaining + max(1, len(plan.steps)) - 1) // max(
            1, len(plan.steps)
        )
    kept[MONTHLY_LIMIT] = min(reachable, over)
    return kept


def _later(moment: datetime, seconds: float) -> datetime:
    """`moment` plus `seconds`, at most `LONGEST` later."""
    if not seconds > 0:  # also NaN
        return moment
    return moment + min(LONGEST, timedelta(seconds=min(seconds, LONGEST.total_seconds())))


def preflight(plan: Plan) -> Preflight:
    """The pre-flight of one connection's campaign."""
    kept = _kept_out(plan)
    will_send = max(0, plan.matching - kept.get(REPLY_WINDOW, 0) - kept[MONTHLY_LIMIT])
    apart = seconds_apart(plan)
    quiet = quiet_wait(plan, [(g.timezone, g.matching) for g in plan.groups])
    begin = plan.start_at
    if quiet is not None and quiet.count >= will_send:
        begin = quiet.until  # nobody may go before their quiet hours end
    finish = _later(begin, apart * will_send - apart if will_send > 1 else 0.0)
    if quiet is not None:
        finish = max(finish, quiet.until)
    days_note = ""
    if plan.channel == "whatsapp" and will_send:
        limits = allowance.daily_limits(plan.channel, plan.limits)
        days = allowance.sending_days(limits, plan.first_used_at, begin, will_send)
        if days.last_day is not None and days.days > 1:
            finish = max(finish, allowance.day_start(days.last_day))
            days_note = f": {allowance.sending_days_note(limits, days)}"
    finish = _later(finish, sum(s.delay_seconds for s in plan.steps[1:]))
    summary = (
        f"{will_send:,} on {plan.connection_id}{days_note}, done around {finish:%Y-%m-%d %H:%M} UTC"
    )
    return Preflight(
        connection_id=plan.connection_id,
        matching=plan.matching,
        kept_out=kept,
        will_send=will_send,
        seconds_apart=apart,
        duration_seconds=(finish - plan.start_at).total_seconds(),
        finish_at=finish,
        summary=summary,
        quiet=quiet,
        warnings=warnings(plan, apart, quiet),
    )


def warnings(plan: Plan, apart: float, quiet: QuietWait | None) -> list[PreflightWarning]:
    """What the sender should know before starting."""
    found: list[PreflightWarning] = []
    gap = allowance.min_gap_seconds(plan.channel, plan.limits)
    if 0 < plan.interval_seconds < gap:
        found.append(
            PreflightWarning(
                "interval_below_min_gap",
                f"the interval of {plan.interval_seconds:g} s is below {plan.connection_id}'s "
                f"minimum gap of {gap:g} s: messages go {gap:g} s apart",
            )
        )
    if quiet is not None:
        found.append(
            PreflightWarning(
                "starts_in_quiet_hours",
                f"the start is inside quiet hours for {quiet.count:,} recipients: they wait "
                f"until {quiet.until:%Y-%m-%d %H:%M} UTC at the latest",
            )
        )
    hours = window_hours(plan)
    if hours is not None:
        after = 0.0
        for step in plan.steps[1:]:
            after += step.delay_seconds
            if after > hours * 3600:
                found.append(
                    PreflightWarning(
                        "step_after_reply_window",
                        f"step {step.step_no} goes {after / 3600:g} hours after the first, past "
                        f"the {hours:g}-hour reply window: those who do not write again by "
                        "then are skipped",
                    )
                )
                break
    return found
