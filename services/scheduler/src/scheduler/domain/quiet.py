"""Quiet hours as the scheduler plans them: each recipient's due time moved out of
the quiet period of its own time zone, when it is loaded, when its next step
becomes due, and when a late release finds it inside one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from contracts.audience import Recipient
from contracts.quiet_hours import (
    DEFAULT_TIMEZONE,
    TIMEZONE_ATTRIBUTE,
    QuietHours,
    quiet_until,
    recipient_zone,
    zone_named,
)

from .model import CampaignRun


def _default_zone(run: CampaignRun) -> ZoneInfo:
    zone = zone_named(run.default_timezone) or zone_named(DEFAULT_TIMEZONE)
    assert zone is not None
    return zone


def _attribute(attributes: Mapping[str, object]) -> object:
    return attributes.get(TIMEZONE_ATTRIBUTE)


def load_due_times(
    run: CampaignRun, recipients: list[Recipient], due_at: datetime
) -> list[datetime] | None:
    """Each loaded recipient's first due time (`due_at`, or the end of its quiet
    period); None when the campaign has no quiet hours (all are due at `due_at`)."""
    quiet = run.quiet_hours
    if quiet is None:
        return None
    default = _default_zone(run)
    return [
        quiet_until(due_at, quiet, recipient_zone(_attribute(r.attributes), default)) or due_at
        for r in recipients
    ]


def still_quiet(
    run: CampaignRun, due: Iterable[tuple[int, Mapping[str, object], datetime]]
) -> dict[int, datetime]:
    """Of (recipient_no, attributes, due time), those whose due time falls inside
    their quiet hours, each with the moment those end."""
    quiet: QuietHours | None = run.quiet_hours
    if quiet is None:
        return {}
    default = _default_zone(run)
    moved: dict[int, datetime] = {}
    for recipient_no, attributes, at in due:
        until = quiet_until(at, quiet, recipient_zone(_attribute(attributes), default))
        if until is not None:
            moved[recipient_no] = until
    return moved


def quiet_at(
    run: CampaignRun, now: datetime, released: Iterable[tuple[int, Mapping[str, object]]]
) -> dict[int, datetime]:
    """Of (recipient_no, attributes) released at `now`, those for whom `now` is inside
    quiet hours (a release that came late), each with the moment those end.  The
    moment is worked out once per time zone, so a release of thousands stays cheap."""
    quiet = run.quiet_hours
    if quiet is None:
        return {}
    default = _default_zone(run)
    by_zone: dict[object, datetime | None] = {}
    moved: dict[int, datetime] = {}
    for recipient_no, attributes in released:
        name = _attribute(attributes)
        if name not in by_zone:
            by_zone[name] = quiet_until(now, quiet, recipient_zone(name, default))
        until = by_zone[name]
        if until is not None:
            moved[recipient_no] = until
    return moved
