"""What the campaign-api knows about tenants, connections and campaigns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from uuid import UUID

from contracts.base import ConnectionChannel
from contracts.dispatch import Composition, FallbackReason
from contracts.quiet_hours import DEFAULT_TIMEZONE, QuietHours
from contracts.scheduling import AutoPauseThreshold, CampaignStep

Role = Literal["admin", "operator"]
CampaignStatus = Literal["scheduled", "running", "completed", "cancelled"]
FINISHED: tuple[CampaignStatus, ...] = ("completed", "cancelled")


@dataclass(frozen=True)
class Principal:
    """Who is calling: a tenant's key with a role, or the platform key."""

    tenant_id: str | None
    role: Role | Literal["platform"]
    key_id: str
    connection_id: str | None = None
    external_id: str | None = None
    """The dialog of the person the key belongs to, if it was made for one:
    where their test sends go."""

    @property
    def is_platform(self) -> bool:
        return self.role == "platform"


@dataclass(frozen=True)
class Tenant:
    id: str
    plan: Literal["free", "paid"]
    monthly_limit: int
    subscription_ends_at: datetime | None


@dataclass(frozen=True)
class Connection:
    tenant_id: str
    id: str
    channel: ConnectionChannel


@dataclass(frozen=True)
class ConnectionPause:
    """A connection its dispatcher paused: nothing is sent until `until`."""

    until: datetime | None
    code: str | None
    reason: str | None
    since: datetime


@dataclass(frozen=True)
class PlannedCampaign:
    """One campaign a request becomes: one per connection."""

    id: UUID
    tenant_id: str
    connection_id: str
    channel: ConnectionChannel
    name: str
    steps: tuple[CampaignStep, ...]
    interval_seconds: float
    start_at: datetime
    counts_toward_quota: bool
    estimated_audience: int | None = None
    monthly_limit: int | None = None
    quiet_hours: QuietHours | None = None
    """The effective quiet hours: the campaign's own, else the tenant's."""
    timezone: str = DEFAULT_TIMEZONE
    """The tenant's default zone, for recipients without a valid `timezone` attribute."""
    auto_pause: AutoPauseThreshold | None = None
    """When it pauses itself for its failures (None: never)."""

    @property
    def estimated_messages(self) -> int | None:
        if self.estimated_audience is None:
            return None
        return self.estimated_audience * len(self.steps)


@dataclass(frozen=True)
class Sample:
    """A text the AI composer wrote for one real recipient of a dry run's audience,
    by the path and rules a campaign's delivery is written by; never sent."""

    connection_id: str
    contact_id: str
    """`<connection_id>:<external_id>`: the dialog."""
    external_id: str
    name: str | None
    text: str
    composition: Composition
    """`ai` (a model wrote it), `ai_builtin` (the offline writer, not an LLM), or
    `ai_fallback` (the campaign's fallback text, its personal fields filled)."""
    fallback_reason: FallbackReason | None = None
    """Set with `ai_fallback`: timeout, error, refusal, or rejected (every draft
    failed the checks)."""


class Refusal(Exception):
    """A request that cannot be accepted; `reason` says what to fix, `code` is for
    machines, `status` the HTTP status it answers with."""

    def __init__(self, reason: str, code: str, status: int = 422) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.status = status


@dataclass
class Counters:
    pending: int = 0
    waiting: int = 0
    """Deferred by a rate: waiting for the connection's next daily allowance."""
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    cancelled: int = 0
    unknown: int = 0

    @property
    def finished(self) -> int:
        return self.sent + self.failed + self.skipped + self.cancelled + self.unknown


@dataclass(frozen=True)
class Waiting:
    """A campaign's deliveries waiting for their connection's next allowance."""

    count: int
    until: datetime | None
    reason: str | None


@dataclass
class FailureReason:
    status: str
    error_code: str | None
    error_reason: str | None
    count: int


@dataclass
class CampaignRecord:
    id: UUID
    tenant_id: str
    request_id: str
    requested_by: str | None
    name: str
    connection_id: str
    channel: ConnectionChannel
    audience: dict[str, object]
    content: dict[str, object]
    steps: list[dict[str, object]]
    interval_seconds: float
    start_at: datetime
    counts_toward_quota: bool
    status: CampaignStatus
    audience_size: int | None
    unknown_count: int
    unknown_external_ids: list[str]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    cancel_requested_at: datetime | None
    sending_id: int
    estimated_audience: int | None = None
    started_by: str | None = None
    """The id of the API key that started it (`event:...` for an event)."""
    resend_of: UUID | None = None
    """The campaign this one resends (`POST /v1/campaigns/{id}/resend`)."""
    counters: Counters = field(default_factory=Counters)
    paused_at: datetime | None = None
    """Paused (by a person, or by itself): nothing is sent until it is resumed."""
    pause: dict[str, object] | None = None
    """Why: `campaign.paused.v1`'s reason, requested_by, failure_rate, platform_code
    and detail."""

    @property
    def shown_status(self) -> str:
        """Its status as people see it: `paused` while a running or scheduled one is."""
        if self.paused_at is not None and self.status not in FINISHED:
            return "paused"
        return self.status
