"""Quiet hours: a daily period, in the recipient's own time zone, when nothing is sent.

One rule for campaign-api (settings, the pre-flight), the scheduler (due times) and
the audience-resolver (who will wait): a period `start`-`end` in local wall-clock
time, crossing midnight when `end` is not after `start` (21:00-09:00); a moment
inside it waits until the period ends, in the recipient's zone (the contact's
`timezone` attribute when it names a zone, otherwise the tenant's default).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field

from .base import Input

TIMEZONE_ATTRIBUTE = "timezone"
"""The contact attribute that names the recipient's IANA time zone."""

DEFAULT_TIMEZONE = "UTC"
CLOCK_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class QuietHours(Input):
    """A daily quiet period in local time, `HH:MM` to `HH:MM` (the end is excluded;
    the same time twice is an empty period: no quiet hours)."""

    start: str = Field(pattern=CLOCK_PATTERN, examples=["21:00"])
    end: str = Field(pattern=CLOCK_PATTERN, examples=["09:00"])

    @property
    def starts(self) -> time:
        return time.fromisoformat(self.start)

    @property
    def ends(self) -> time:
        return time.fromisoformat(self.end)


@lru_cache(maxsize=1024)
def zone_named(name: str | None) -> ZoneInfo | None:
    """The IANA zone called `name`, or None when there is none by that name."""
    if not isinstance(name, str) or not name or len(name) > 64:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def is_timezone(name: str) -> bool:
    """`name` is an IANA time zone this system knows."""
    return zone_named(name) is not None


def recipient_zone(attribute: object, default: ZoneInfo) -> ZoneInfo:
    """The recipient's zone: its `timezone` attribute when that names a zone, else `default`."""
    zone = zone_named(attribute) if isinstance(attribute, str) else None
    return zone if zone is not None else default


def _inside(local: time, quiet: QuietHours) -> bool:
    start, end = quiet.starts, quiet.ends
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def quiet_until(moment: datetime, quiet: QuietHours, zone: ZoneInfo) -> datetime | None:
    """When the quiet period `moment` falls in ends (UTC), or None when it is not inside one."""
    local = moment.astimezone(zone)
    if not _inside(local.time().replace(tzinfo=None), quiet):
        return None
    end_day = local.date()
    if local.time().replace(tzinfo=None) >= quiet.ends:
        end_day += timedelta(days=1)  # before midnight of a period that crosses it
    end = datetime.combine(end_day, quiet.ends, tzinfo=zone)
    # a wall-clock end that a DST jump skips is read as after the jump
    return end.astimezone(UTC)


def due_outside(moment: datetime, quiet: QuietHours | None, zone: ZoneInfo) -> datetime:
    """`moment`, or the end of the quiet period it falls in."""
    if quiet is None:
        return moment
    return quiet_until(moment, quiet, zone) or moment
