"""Start times and durations as people write them.

One parser for the HTTP API, the `campaign.requested.v1` event and the `/send`
command grammar:

* a duration: `90s`, `5m`, `5m 30s`, `2h`, `1d`, `1w`, combined freely;
* a start time: `now`, a duration from now, a UTC date and time
  (`2024-12-27 14:25:55`, `2024-12-27 14:25`, or as the API prints them,
  `2024-12-27 14:25:55 UTC`), or ISO 8601 (`2024-12-27T14:25:55+03:00`, `...Z`);
  a time without an offset is UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field


class TimeFormatError(ValueError):
    """A start time or duration that cannot be read; the message says what is accepted."""


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION = re.compile(r"^(?:\s*\d+\s*[smhdw])+\s*$")
_DURATION_PART = re.compile(r"(\d+)\s*([smhdw])")
_MAX_DURATION = timedelta(days=3650)
MAX_START_AHEAD = timedelta(days=36525)
"""A start further ahead (a hundred years) is refused: the plan's later times
(steps, intervals) would pass the last date there is.  (A start after the
tenant's subscription ends is refused by the campaign-api; a far date such as
2099 is what some clients give for "not yet".)"""
_UTC_SUFFIX = re.compile(r"\s*UTC$", re.IGNORECASE)

DURATION_FORM = r"(?:[0-9]+ *[SsMmHhDdWw] *)+"
DATE_TIME_FORM = (
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(?:[Tt ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?)?"
    r"(?:[Zz]|[+-][0-9]{2}:?[0-9]{2}| ?[Uu][Tt][Cc])?"
)
DURATION_PATTERN = f"^ *{DURATION_FORM}$"
START_PATTERN = f"^ *(?:[Nn][Oo][Ww]|{DURATION_FORM}|{DATE_TIME_FORM})? *$"
"""The forms `parse_duration` and `parse_start_time` read, as JSON Schema (and
`re`) read regular expressions.  What a text of these forms says is checked when
it is read: a duration of at most ten years, a date that exists."""

DURATION_HELP = "a duration like `90s`, `5m`, `5m 30s`, `2h` or `1d`"
START_HELP = (
    "`now`, a delay like `5m 30s`, `2h` or `1d`, a UTC date and time like "
    "`2024-12-27 14:25:55` or `2024-12-27 14:25:55 UTC`, or ISO 8601 like "
    "`2024-12-27T14:25:55+00:00`"
)


def is_duration(text: str) -> bool:
    return bool(_DURATION.match(text.lower()))


def parse_duration(text: str) -> timedelta:
    """`5m 30s` -> 330 seconds.  Raises TimeFormatError for anything else."""
    lowered = text.strip().lower()
    if not lowered or not _DURATION.match(lowered):
        raise TimeFormatError(f"cannot read {text!r} as a duration: use {DURATION_HELP}")
    seconds = sum(int(n) * _UNITS[unit] for n, unit in _DURATION_PART.findall(lowered))
    if seconds > _MAX_DURATION.total_seconds():  # before timedelta, which overflows
        raise TimeFormatError(f"duration {text[:80]!r} is longer than ten years")
    return timedelta(seconds=seconds)


def parse_datetime(text: str) -> datetime:
    """A date and time; one without an offset, or ending in ` UTC`, is UTC."""
    cleaned = text.strip()
    utc_suffix = _UTC_SUFFIX.search(cleaned)
    if utc_suffix:
        cleaned = cleaned[: utc_suffix.start()]
    if cleaned.endswith(("Z", "z")):
        cleaned = cleaned[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(cleaned)
    except ValueError:
        raise TimeFormatError(f"cannot read {text!r} as a start time: use {START_HELP}") from None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    if utc_suffix and value.utcoffset():
        raise TimeFormatError(
            f"{text!r} gives both an offset and `UTC`: give one of them, "
            "like `2024-12-27 14:25:55 UTC` or `2024-12-27T14:25:55+03:00`"
        )
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise TimeFormatError(f"{text!r} is out of the range of dates") from None


def parse_start_time(text: str | datetime | None, now: datetime) -> datetime:
    """When a campaign starts.  A time in the past means now."""
    if isinstance(text, datetime):
        start = text.replace(tzinfo=UTC) if text.tzinfo is None else text.astimezone(UTC)
    elif text is None or not text.strip() or text.strip().lower() == "now":
        return now
    elif is_duration(text):
        start = now + parse_duration(text)
    elif re.match(r"^\s*\d{4}-\d{2}-\d{2}", text):
        start = parse_datetime(text)
    else:
        raise TimeFormatError(f"cannot read {text!r} as a start time: use {START_HELP}")
    if start - now > MAX_START_AHEAD:
        raise TimeFormatError(
            f"start time {text!s} is more than a hundred years ahead: give one within "
            "a hundred years"
        )
    return max(start, now)


def _datetime_to_text(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _check_start(value: str | None) -> str | None:
    if value is not None:
        parse_start_time(value, datetime.now(UTC))
    return value


def _check_duration(value: str) -> str:
    parse_duration(value)
    return value


StartAt = Annotated[
    str | None,
    BeforeValidator(_datetime_to_text),
    AfterValidator(_check_start),
    Field(description=f"When to start: {START_HELP}; null, `now` or a past time starts at once"),
]
Duration = Annotated[
    str,
    AfterValidator(_check_duration),
    Field(description=f"A period: {DURATION_HELP}", examples=["7d", "12h"]),
]
