"""Quiet hours in a recipient's zone: inside or not, and when they end."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from contracts.quiet_hours import (
    QuietHours,
    due_outside,
    is_timezone,
    quiet_until,
    recipient_zone,
)
from pydantic import ValidationError

NIGHT = QuietHours(start="21:00", end="09:00")
LUNCH = QuietHours(start="12:00", end="13:30")
UTC_ZONE = ZoneInfo("UTC")
TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "zone", "until"),
    [
        ("2026-12-06T22:00", UTC_ZONE, "2026-12-07T09:00"),  # before midnight
        ("2026-12-07T03:00", UTC_ZONE, "2026-12-07T09:00"),  # after it
        ("2026-12-07T09:00", UTC_ZONE, None),  # the end is not inside
        ("2026-12-06T21:00", UTC_ZONE, "2026-12-07T09:00"),  # the start is
        ("2026-12-06T14:00", UTC_ZONE, None),
        # 14:00 UTC is 23:00 in Tokyo: quiet until 09:00 there, 00:00 UTC
        ("2026-12-06T14:00", TOKYO, "2026-12-07T00:00"),
        # 03:00 UTC is 22:00 in New York (EST, UTC-5): until 09:00 there, 14:00 UTC
        ("2026-12-07T03:00", NEW_YORK, "2026-12-07T14:00"),
        # in summer New York is UTC-4
        ("2026-07-07T03:00", NEW_YORK, "2026-07-07T13:00"),
    ],
)
def test_a_period_across_midnight(moment: str, zone: ZoneInfo, until: str | None) -> None:
    assert quiet_until(at(moment), NIGHT, zone) == (at(until) if until else None)


def test_a_period_within_a_day() -> None:
    assert quiet_until(at("2026-12-06T12:10"), LUNCH, UTC_ZONE) == at("2026-12-06T13:30")
    assert quiet_until(at("2026-12-06T13:30"), LUNCH, UTC_ZONE) is None
    assert quiet_until(at("2026-12-06T11:59"), LUNCH, UTC_ZONE) is None


def test_the_same_time_twice_is_no_quiet_hours() -> None:
    empty = QuietHours(start="09:00", end="09:00")
    assert quiet_until(at("2026-12-06T09:00"), empty, UTC_ZONE) is None


def test_due_outside_moves_only_what_is_inside() -> None:
    assert due_outside(at("2026-12-06T22:00"), None, UTC_ZONE) == at("2026-12-06T22:00")
    assert due_outside(at("2026-12-06T10:00"), NIGHT, UTC_ZONE) == at("2026-12-06T10:00")
    assert due_outside(at("2026-12-06T22:00"), NIGHT, UTC_ZONE) == at("2026-12-07T09:00")


def test_the_recipients_zone_or_the_default() -> None:
    assert recipient_zone("Asia/Tokyo", UTC_ZONE) == TOKYO
    for bogus in (None, "", "Mars/Olympus_Mons", "../etc/passwd", 7):
        assert recipient_zone(bogus, NEW_YORK) == NEW_YORK
    assert is_timezone("Europe/Berlin")
    assert not is_timezone("Europe/Atlantis")


@pytest.mark.parametrize(
    "fields",
    [
        {"start": "25:00", "end": "09:00"},
        {"start": "9:00", "end": "10:00"},
        {"start": "09:00"},
    ],
)
def test_bad_periods_are_refused(fields: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        QuietHours.model_validate(fields)
