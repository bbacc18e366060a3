from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from contracts.timing import TimeFormatError, is_duration, parse_duration, parse_start_time

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


@pytest.mark.parametrize("text", ["99999d", "979164675214h", "9" * 40 + "w"])
def test_absurdly_long_duration_is_refused(text: str) -> None:
    """Even one past what a timedelta holds (it raised OverflowError: a 500)."""
    with pytest.raises(TimeFormatError, match="ten years"):
        parse_duration(text)


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
        # as the API prints times, so a time copied from a response reads back
        ("2026-12-27 14:25:55 UTC", datetime(2026, 12, 27, 14, 25, 55, tzinfo=UTC)),
        (" 2026-12-27 14:25:55 utc ", datetime(2026, 12, 27, 14, 25, 55, tzinfo=UTC)),
        ("2026-12-27 14:25 UTC", datetime(2026, 12, 27, 14, 25, tzinfo=UTC)),
        ("2026-12-27T14:25:55UTC", datetime(2026, 12, 27, 14, 25, 55, tzinfo=UTC)),
        ("2026-12-27T14:25:55+00:00 UTC", datetime(2026, 12, 27, 14, 25, 55, tzinfo=UTC)),
        ("2026-12-27 14:25:55.250", datetime(2026, 12, 27, 14, 25, 55, 250000, tzinfo=UTC)),
        ("2024-12-27 14:25:55 UTC", NOW),
        ("2024-12-27 14:25:55", NOW),  # the past starts at once
    ],
)
def test_start_times(text: str | None, expected: datetime) -> None:
    assert parse_start_time(text, NOW) == expected


def test_start_time_from_a_datetime() -> None:
    assert parse_start_time(datetime(2027, 1, 1), NOW) == datetime(2027, 1, 1, tzinfo=UTC)


def test_a_start_time_a_moment_ago_starts_now() -> None:
    assert parse_start_time(NOW - timedelta(microseconds=1), NOW) == NOW


@pytest.mark.parametrize(
    "text",
    [
        "tomorrow",
        "2026-13-01 10:00",
        "2026-02-30 10:00",
        "2026-12-27 25:00",
        "27.12.2026 14:25",
        "in 5m",
        "UTC",
        "2026-12-27 14:25:55 GMT",
        "2026-12-27 14:25:55 UTC UTC",
        "2026-12-27 14:25:55 EST",
        "5m UTC",
        "2026-12-27 14:25:55 +3",
    ],
)
def test_bad_start_times_say_what_is_accepted(text: str) -> None:
    with pytest.raises(TimeFormatError, match="start time") as refused:
        parse_start_time(text, NOW)
    assert repr(text) in str(refused.value)
    assert "2024-12-27 14:25:55 UTC" in str(refused.value)


def test_an_offset_and_utc_together_are_refused_by_name() -> None:
    with pytest.raises(TimeFormatError, match="both an offset and `UTC`"):
        parse_start_time("2026-12-27T17:25:55+03:00 UTC", NOW)


@pytest.mark.parametrize("text", ["5m", "1d 2h", " 90S "])
def test_is_duration_knows_a_delay(text: str) -> None:
    assert is_duration(text)


@pytest.mark.parametrize("text", ["now", "2026-12-27 14:25:55", "5", "", "5 minutes"])
def test_is_duration_refuses_what_is_not_a_delay(text: str) -> None:
    assert not is_duration(text)
