"""What the scheduler knows about a campaign while it runs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, NamedTuple
from uuid import UUID

from contracts.base import ConnectionChannel
from contracts.quiet_hours import DEFAULT_TIMEZONE, QuietHours
from contracts.scheduling import AutoPauseThreshold, CampaignStep

CampaignStatus = Literal["scheduled", "snapshotting", "running", "completed", "cancelled"]


@dataclass(frozen=True)
class CampaignRun:
    id: UUID
    tenant_id: str
    connection_id: str
    channel: ConnectionChannel
    name: str
    steps: tuple[CampaignStep, ...]
    interval_seconds: float
    start_at: datetime
    counts_toward_quota: bool
    status: CampaignStatus
    audience_size: int | None
    batch_count: int | None
    batches_received: int
    recipients_loaded: int
    recipients_done: int
    outstanding: int
    next_slot_at: datetime | None
    sent: int
    failed: int
    skipped: int
    cancelled: int
    unknown: int
    final_event_at: datetime | None
    now: datetime
    monthly_limit: int | None = None
    """The tenant's limit the campaign was accepted under (the tenant's own, once
    known, wins)."""
    snapshot_requested: bool = False
    held_until: datetime | None = None
    """Nothing is released before this: a rate (a WhatsApp number's daily cap)
    deferred one of its deliveries until its next allowance."""
    quiet_hours: QuietHours | None = None
    """Deliveries due inside these, in the recipient's zone, wait until they end."""
    default_timezone: str = DEFAULT_TIMEZONE
    """The zone of a recipient without a valid `timezone` attribute."""
    paused_at: datetime | None = None
    """Paused (by a person, or by itself): nothing is released until it is resumed."""
    auto_pause: AutoPauseThreshold | None = None
    """When it pauses itself for its failures (None: never)."""
    recent_attempts: str = ""
    """Its latest attempts, oldest first: `s` sent, `f` failed (see `domain.pausing`)."""

    @property
    def step_count(self) -> int:
        return len(self.steps)

    @property
    def total_deliveries(self) -> int:
        return (self.audience_size or 0) * self.step_count

    @property
    def finished_deliveries(self) -> int:
        return self.sent + self.failed + self.skipped + self.cancelled + self.unknown


class Released(NamedTuple):
    """A recipient whose next step was just released (a tuple: thousands are made
    at each release)."""

    recipient_no: int
    step_no: int
    recipient: dict[str, Any]
    """The recipient as the scheduler stored it: the JSON form of a
    `contracts.audience.Recipient` validated when its snapshot batch came, as JSON
    values (read with the standard `json`, so every number is the one stored)."""
    released_at: datetime
    """In UTC."""
    quota_taken: bool = False
    """Released before and deferred: its monthly usage was taken then."""

    @property
    def attributes(self) -> Mapping[str, object]:
        attributes = self.recipient.get("attributes")
        return attributes if isinstance(attributes, dict) else {}


@dataclass(frozen=True)
class Applied:
    """A reported outcome that moved a recipient on (duplicates never get here)."""

    recipient_no: int
    step_no: int
    status: str
    done: bool
    due_at: datetime | None = None
    """When its next step (or its deferred one) is due, if it waits."""
    timezone: str | None = None
    """The recipient's `timezone` attribute, as it was given."""
    since_release: float | None = None
    """Seconds from its release to this outcome being applied."""


@dataclass(frozen=True)
class Usage:
    tenant_id: str
    month: date
    released: int
    limit: int | None
    """None: neither the tenant's limit nor the campaign's is known."""

    def grantable(self, wanted: int) -> int:
        assert self.limit is not None
        return max(0, min(wanted, self.limit - self.released))


@dataclass(frozen=True)
class Timing:
    """Seconds until the next audience snapshot is due and until the next
    snapshotted campaign starts (None: there is none; <= 0: now)."""

    snapshot_in: float | None
    start_in: float | None


@dataclass(frozen=True)
class Figures:
    """What the scheduler's gauges report, read together from its tables."""

    campaigns: dict[str, int]
    """Unfinished campaigns by state (see `metrics.CAMPAIGN_STATES`)."""
    waiting: int
    due: int
    stalled: list[UUID]
