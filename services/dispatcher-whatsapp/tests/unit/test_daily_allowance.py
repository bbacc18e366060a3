"""The warm-up and the daily cap of a number (`domain`), with a fixed clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from dispatch_core.limits import DEFAULTS
from dispatcher_whatsapp.domain import (
    DAILY_CAP_RULE,
    WARMUP_RULE,
    DailyAllowance,
    TodaysRecipients,
    daily_allowance,
    over_allowance,
)

NOW = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)
WHATSAPP = DEFAULTS["whatsapp"]


def allowance_days_after_first_use(days: float) -> DailyAllowance:
    return daily_allowance(WHATSAPP, NOW - timedelta(days=days), NOW)


def test_the_products_defaults() -> None:
    assert (WHATSAPP.daily_recipient_cap, WHATSAPP.min_gap_seconds) == (200, 15)
    assert (WHATSAPP.warmup_days, WHATSAPP.warmup_start_per_day) == (10, 10)
    assert WHATSAPP.warmup_daily_increase == 2


def test_no_mass_sending_in_the_first_ten_days() -> None:
    first_use = NOW - timedelta(days=9, hours=23)
    allowance = daily_allowance(WHATSAPP, first_use, NOW)
    assert (allowance.recipients, allowance.rule) == (0, WARMUP_RULE)
    assert allowance.resumes_at == first_use + timedelta(days=10)
    skip = over_allowance(allowance, TodaysRecipients(0, includes_this_one=False))
    assert skip is not None
    assert skip.rule == WARMUP_RULE
    assert skip.reason == (
        "no mass sending in a number's first 10 days (first used 2026-11-13 16:30 UTC); "
        "sending can resume at 2026-11-23 16:30 UTC"
    )


def test_then_ten_a_day_growing_by_two_each_day_up_to_the_cap() -> None:
    assert allowance_days_after_first_use(10).recipients == 10
    assert allowance_days_after_first_use(11).recipients == 12
    assert allowance_days_after_first_use(12).recipients == 14
    last_warmup_day = allowance_days_after_first_use(10 + 94)
    assert (last_warmup_day.recipients, last_warmup_day.rule) == (198, WARMUP_RULE)
    capped = allowance_days_after_first_use(10 + 95)
    assert (capped.recipients, capped.rule) == (200, DAILY_CAP_RULE)
    assert allowance_days_after_first_use(1000).recipients == 200


def test_a_warming_number_over_its_days_allowance_says_when_it_may_go_on() -> None:
    allowance = allowance_days_after_first_use(11)
    skip = over_allowance(allowance, TodaysRecipients(12, includes_this_one=False))
    assert skip is not None
    assert skip.reason == (
        "warm-up: 12 recipients a day on day 2 after the first 10 days (10 a day, +2 each day); "
        "12 already messaged today; sending can resume at 2026-11-24 00:00 UTC"
    )
    assert over_allowance(allowance, TodaysRecipients(11, includes_this_one=False)) is None


def test_the_cap_is_on_people_so_someone_messaged_today_may_get_the_next_step() -> None:
    allowance = allowance_days_after_first_use(365)
    full = TodaysRecipients(200, includes_this_one=False)
    skip = over_allowance(allowance, full)
    assert skip is not None
    assert (skip.rule, skip.reason) == (
        DAILY_CAP_RULE,
        "at most 200 recipients per number per UTC day; 200 already messaged today; "
        "sending can resume at 2026-11-24 00:00 UTC",
    )
    assert over_allowance(allowance, TodaysRecipients(200, includes_this_one=True)) is None


def test_a_number_without_a_first_use_counts_as_new() -> None:
    allowance = daily_allowance(WHATSAPP, None, NOW)
    skip = over_allowance(allowance, TodaysRecipients(0, includes_this_one=False))
    assert skip is not None
    assert skip.rule == WARMUP_RULE
    assert "first_used_at" in skip.reason


def test_a_connection_may_switch_the_warm_up_and_the_cap_off() -> None:
    free = replace(
        WHATSAPP,
        warmup_days=0,
        warmup_start_per_day=0,
        warmup_daily_increase=0,
        daily_recipient_cap=None,
    )
    assert daily_allowance(free, None, NOW).recipients is None
    no_warmup = replace(free, daily_recipient_cap=5)
    assert daily_allowance(no_warmup, None, NOW).recipients == 5
