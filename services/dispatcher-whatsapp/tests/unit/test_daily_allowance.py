"""The warm-up and the daily cap of a number (`domain`), with a fixed clock: a
message over today's allowance waits for the next one; it is skipped only when
time never brings one."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from contracts.allowance import allowance_at
from dispatch_core.limits import DEFAULTS, Limits
from dispatch_core.model import Defer, Skip
from dispatcher_whatsapp.domain import (
    DAILY_CAP_RULE,
    WARMUP_RULE,
    TodaysRecipients,
    over_allowance,
)

NOW = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)
WHATSAPP = DEFAULTS["whatsapp"]
NOBODY_YET = TodaysRecipients(0, includes_this_one=False)


def decide(
    today: TodaysRecipients, first_used_at: datetime | None, limits: Limits = WHATSAPP
) -> Defer | Skip | None:
    allowance = allowance_at(limits.daily, first_used_at, NOW)
    return over_allowance(limits, first_used_at, allowance, today, NOW)


def test_the_products_defaults() -> None:
    assert (WHATSAPP.daily_recipient_cap, WHATSAPP.min_gap_seconds) == (200, 15)
    assert (WHATSAPP.warmup_days, WHATSAPP.warmup_start_per_day) == (10, 10)
    assert WHATSAPP.warmup_daily_increase == 2


def test_in_the_first_ten_days_a_message_waits_for_the_end_of_the_warm_up() -> None:
    first_use = NOW - timedelta(days=9, hours=23)
    decision = decide(NOBODY_YET, first_use)
    assert decision == Defer(
        WARMUP_RULE,
        "no mass sending in a number's first 10 days (first used 2026-11-13 16:30 UTC); "
        "waits for the number's next allowance at 2026-11-23 16:30 UTC",
        first_use + timedelta(days=10),
    )


def test_a_warming_number_over_its_days_allowance_waits_for_the_next_day() -> None:
    first_use = NOW - timedelta(days=11)
    decision = decide(TodaysRecipients(12, includes_this_one=False), first_use)
    assert decision == Defer(
        WARMUP_RULE,
        "warm-up: 12 recipients a day on day 2 after the first 10 days (10 a day, +2 each day); "
        "12 already messaged today; waits for the number's next allowance at 2026-11-24 00:00 UTC",
        datetime(2026, 11, 24, tzinfo=UTC),
    )
    assert decide(TodaysRecipients(11, includes_this_one=False), first_use) is None


def test_the_cap_is_on_people_so_someone_messaged_today_may_get_the_next_step() -> None:
    mature = NOW - timedelta(days=365)
    decision = decide(TodaysRecipients(200, includes_this_one=False), mature)
    assert isinstance(decision, Defer)
    assert (decision.rule, decision.until) == (DAILY_CAP_RULE, datetime(2026, 11, 24, tzinfo=UTC))
    assert decision.reason == (
        "at most 200 recipients per number per UTC day; 200 already messaged today; "
        "waits for the number's next allowance at 2026-11-24 00:00 UTC"
    )
    assert decide(TodaysRecipients(200, includes_this_one=True), mature) is None


def test_without_a_first_use_or_with_a_cap_of_zero_time_never_helps_so_it_is_skipped() -> None:
    unknown = decide(NOBODY_YET, None)
    assert isinstance(unknown, Skip)
    assert unknown.rule == WARMUP_RULE
    assert "first_used_at" in unknown.reason
    closed = replace(WHATSAPP, daily_recipient_cap=0, warmup_days=0, warmup_start_per_day=0)
    closed = replace(closed, warmup_daily_increase=0)
    assert decide(NOBODY_YET, NOW - timedelta(days=365), closed) == Skip(
        DAILY_CAP_RULE, "at most 0 recipients per number per UTC day"
    )


def test_a_connection_may_switch_the_warm_up_and_the_cap_off() -> None:
    free = replace(
        WHATSAPP,
        warmup_days=0,
        warmup_start_per_day=0,
        warmup_daily_increase=0,
        daily_recipient_cap=None,
    )
    assert decide(TodaysRecipients(10_000, includes_this_one=False), None, free) is None
    no_warmup = replace(free, daily_recipient_cap=5)
    assert allowance_at(no_warmup.daily, None, NOW).recipients == 5
