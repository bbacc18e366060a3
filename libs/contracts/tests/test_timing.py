from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from contracts.timing import TimeFormatError, parse_duration, parse_start_time

NOW = datetime(2026, 11, 23, 10, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90s", 90),
        ("5m", 300),
        ("5m 30s", 330),
        ("5m30s", 330),
        ("2h", 7200),
        ("1d", 86400),
        ("1w", 604800),
        (" 1D 2H ", 93600),
        ("0s", 0),
    ],
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "5", "5x", "m5", "5 minutes", "-5m", "1.5h", "5m and 3s"])
def test_bad_durations_say_what_is_accepted(text: str) -> None:
    with pytest.raises(TimeFormatError, match="duration"):
        parse_duration(text)


def test_absurdly_long_duration_is_refused() -> None:
    with pytest.raises(TimeFormatError, match="ten years"):
        parse_duration("99999d")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, NOW),
        ("", NOW),
        ("now", NOW),
        ("NOW", NOW),
        ("5m 30s", NOW + timedelta(seconds=330)),
        ("2h", NOW + timedelta(hours=2)),
        ("2026-12-27 14:25:55", datetime(2026, 12, 27, 14, 25, 55, tzinfo=UTC)),
        ("2026-12-27 14:25", datetime(2026, 12, 27, 14, 25, tzinfo=UTC)),
        ("2026-12-27T14:25:55Z", datetime(2026, 12, 27, 14, 25, 55, tzinfo=UTC)),
        ("2026-12-27T17:25:55+03:00", datetime(2026, 12, 27, 14, 25, 55, tzinfo=UTC)),
        ("2024-12-27 14:25:55", NOW),  # the past starts at once
    ],
)
def test_start_times(text: str | None, expected: datetime) -> None:
    assert parse_start_time(text, NOW) == expected


def test_start_time_from_a_datetime() -> None:
    assert parse_start_time(datetime(2027, 1, 1), NOW) == datetime(2027, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("text", ["tomorrow", "2026-13-01 10:00", "27.12.2026 14:25", "in 5m"])
def test_bad_start_times_say_what_is_accepted(text: str) -> None:
    with pytest.raises(TimeFormatError, match="start time"):
        parse_start_time(text, NOW)
