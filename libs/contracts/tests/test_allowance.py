"""The daily allowance of a number, on a fixed clock: today's, the next one, and
the days an audience takes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from contracts.allowance import (
    DAILY_CAP_RULE,
    DAILY_DEFAULTS,
    WARMUP_RULE,
    DailyLimits,
    allowance_at,
    daily_limits,
    next_allowance,
    sending_days,
    sending_days_note,
)
from contracts.tenants import ConnectionLimits

NOW = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)
WHATSAPP = DAILY_DEFAULTS["whatsapp"]
MATURE = NOW - timedelta(days=365)
CAP_ONLY = DailyLimits(daily_recipient_cap=200)


def test_a_connections_settings_override_the_channels_defaults() -> None:
    own = daily_limits("whatsapp", ConnectionLimits(daily_recipient_cap=50, min_gap_seconds=1))
    assert own == replace(WHATSAPP, daily_recipient_cap=50)
    assert daily_limits("telegram_bot", ConnectionLimits()).daily_recipient_cap is None


def test_past_the_warm_up_the_cap_renews_at_the_next_utc_midnight() -> None:
    allowance = allowance_at(WHATSAPP, MATURE, NOW)
    assert (allowance.recipients, allowance.rule) == (200, DAILY_CAP_RULE)
    assert next_allowance(WHATSAPP, MATURE, NOW) == datetime(2026, 11, 24, tzinfo=UTC)


def test_a_new_number_waits_for_the_end_of_its_first_ten_days() -> None:
    first_use = NOW - timedelta(days=3)
    allowance = allowance_at(WHATSAPP, first_use, NOW)
    assert (allowance.recipients, allowance.rule) == (0, WARMUP_RULE)
    assert next_allowance(WHATSAPP, first_use, NOW) == first_use + timedelta(days=10)


def test_the_ramp_grows_each_day_up_to_the_cap() -> None:
    def on_day(days_after_first_use: int) -> int | None:
        return allowance_at(WHATSAPP, NOW - timedelta(days=days_after_first_use), NOW).recipients

    assert [on_day(d) for d in (10, 11, 12)] == [10, 12, 14]
    assert (on_day(104), on_day(105), on_day(1000)) == (198, 200, 200)


def test_a_ramp_that_starts_at_nothing_waits_for_its_first_non_empty_day() -> None:
    limits = DailyLimits(200, warmup_days=0, warmup_start_per_day=0, warmup_daily_increase=5)
    first_use = NOW - timedelta(hours=1)
    assert allowance_at(limits, first_use, NOW).recipients == 0
    assert next_allowance(limits, first_use, NOW) == datetime(2026, 11, 24, tzinfo=UTC)


def test_time_never_makes_room_under_a_cap_of_zero_or_without_a_first_use() -> None:
    assert next_allowance(DailyLimits(0), MATURE, NOW) is None
    assert next_allowance(WHATSAPP, None, NOW) is None


def test_a_thousand_people_on_a_mature_number_take_five_days() -> None:
    plan = sending_days(WHATSAPP, MATURE, NOW, 1000)
    assert (plan.on_first_day, plan.days, plan.never) == (200, 5, 0)
    assert plan.first_day == date(2026, 11, 23)
    assert plan.last_day == date(2026, 11, 27)
    assert sending_days(WHATSAPP, MATURE, NOW, 1001).days == 6
    assert sending_days(WHATSAPP, MATURE, NOW, 200).days == 1
    note = sending_days_note(WHATSAPP, plan)
    assert note.startswith("200 go on 2026-11-23; the rest wait for the number's daily allowance")
    assert "all 1000 on 5 days, the last on 2026-11-27 (UTC)" in note


def test_a_warming_number_follows_its_ramp_day_by_day() -> None:
    # warm from 2026-11-23 10:00: 10 today, then 12, 14, 16 ...
    plan = sending_days(WHATSAPP, NOW - timedelta(days=10, hours=5, minutes=30), NOW, 40)
    assert (plan.on_first_day, plan.days, plan.last_day) == (10, 4, date(2026, 11, 26))
    assert sending_days(WHATSAPP, NOW - timedelta(days=10), NOW, 36).days == 3  # 10+12+14


def test_a_new_number_sends_nothing_on_its_first_days() -> None:
    plan = sending_days(WHATSAPP, NOW - timedelta(days=2), NOW, 10)
    assert (plan.on_first_day, plan.days) == (0, 1)
    assert plan.last_day == date(2026, 12, 1)  # first used 2026-11-21 15:30, +10 days


def test_without_a_cap_everyone_goes_at_once_and_a_zero_cap_never_sends() -> None:
    free = sending_days(DAILY_DEFAULTS["telegram_bot"], None, NOW, 5000)
    assert (free.on_first_day, free.days, free.last_day) == (5000, 1, date(2026, 11, 23))
    stuck = sending_days(DailyLimits(0), MATURE, NOW, 7)
    assert (stuck.never, stuck.last_day, stuck.days) == (7, None, 0)
    assert "would never be messaged" in sending_days_note(DailyLimits(0), stuck)
    assert sending_days(CAP_ONLY, None, NOW, 0).days == 0
