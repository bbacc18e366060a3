"""Quiet hours as the scheduler plans them: each recipient's due time moved out of
the quiet period of its own time zone, when it is loaded, when its next step
becomes due, and when a late release finds it inside one."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
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
    ends = _quiet_ends(run, due_at)
    if ends is None:
        return None
    return [ends(r.attributes) or due_at for r in recipients]


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
    quiet hours (a release that came late), each with the moment those end."""
    ends = _quiet_ends(run, now)
    if ends is None:
        return {}
    moved: dict[int, datetime] = {}
    for recipient_no, attributes in released:
        until = ends(attributes)
        if until is not None:
            moved[recipient_no] = until
    return moved


def _quiet_ends(
    run: CampaignRun, at: datetime
) -> Callable[[Mapping[str, object]], datetime | None] | None:
    """For recipients' attributes, when the quiet period `at` falls in ends in their
    zone (None: `at` is not quiet there); worked out once per zone, so a batch of
    thousands stays cheap.  None when the campaign has no quiet hours."""
    quiet = run.quiet_hours
    if quiet is None:
        return None
    default = _default_zone(run)
    by_zone: dict[object, datetime | None] = {}

    def ends(attributes: Mapping[str, object]) -> datetime | None:
        name = _attribute(attributes)
        if name not in by_zone:
            by_zone[name] = quiet_until(at, quiet, recipient_zone(name, default))
        return by_zone[name]

    return ends
