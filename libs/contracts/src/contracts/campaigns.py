"""A campaign as it is requested, and the public events of its life."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import Field

from .audience import Audience
from .base import ConnectionId, Input, Message, TenantId, UtcDatetime
from .content import Content
from .quiet_hours import QuietHours
from .timing import StartAt

MAX_INTERVAL_SECONDS = 86_400.0


class AutoPause(Input):
    """When a campaign pauses itself for its failures: once at least `window` of
    its attempts are seen, when at least `failure_ratio` of its last `window`
    attempts failed (sent vs failed; skipped, cancelled and deferred do not count).
    An absent field takes the tenant's default; `failure_ratio` 1 pauses only a
    campaign none of whose latest attempts went out."""

    failure_ratio: float | None = Field(
        default=None, ge=0.01, le=1, description="share of failed attempts that pauses, 0.01-1"
    )
    window: int | None = Field(
        default=None, ge=10, le=10_000, description="how many of the latest attempts count"
    )


class CampaignSpec(Input):
    """Everything that defines a campaign, as a person or service writes it."""

    name: str | None = Field(
        default=None, max_length=200, description="Empty: a name from the date and time"
    )
    connection_id: ConnectionId | None = Field(
        default=None,
        description="The sender account; absent: one campaign per connection of the tenant",
    )
    audience: Audience
    content: Content
    interval_seconds: float = Field(
        default=0,
        ge=0,
        le=MAX_INTERVAL_SECONDS,
        description="Seconds between consecutive messages (start to start); 0 sends at once",
    )
    auto_pause: AutoPause | None = Field(
        default=None, description="When the campaign pauses itself; absent: the tenant's default"
    )
    start_at: StartAt = None
    quiet_hours: QuietHours | None = Field(
        default=None,
        description="This campaign's quiet hours in the recipient's time zone; absent: the "
        "tenant's; null: none for this campaign even if the tenant has them",
    )
    requested_by: str | None = Field(default=None, max_length=128)


class CampaignRequestedV1(CampaignSpec):
    """`campaign.requested.v1` on `campaigns`: another service asks for a campaign.

    `request_id` is the idempotency key: the same request twice makes one campaign.
    """

    request_id: str = Field(min_length=1, max_length=128)
    tenant_id: TenantId


class CampaignAcceptedV1(Message):
    """`campaign.accepted.v1`: the request became one campaign per connection."""

    request_id: str
    tenant_id: TenantId
    campaign_id: UUID = Field(description="The first (often the only) campaign made")
    campaign_ids: list[UUID] = Field(description="Every campaign made, one per connection")
    start_at: UtcDatetime


class FieldError(Message):
    """What is wrong with one field of a request."""

    field: str
    message: str


class CampaignRejectedV1(Message):
    """`campaign.rejected.v1`: the request was refused; `reason` says what to fix."""

    request_id: str
    tenant_id: str | None = None
    reason: str
    errors: list[FieldError] = Field(default_factory=list)


class CampaignStartedV1(Message):
    """`campaign.started.v1`: the audience is snapshotted and sending has begun."""

    campaign_id: UUID
    tenant_id: TenantId
    connection_id: ConnectionId
    name: str
    audience_size: int
    started_at: UtcDatetime


class CampaignCounters(Message):
    """Final counts; each delivery (one template step to one recipient) counts once."""

    audience_size: int
    sent: int
    failed: int
    skipped: int
    cancelled: int
    unknown: int = Field(
        default=0, description="the platform may or may not have got it (a crash mid-send)"
    )


class CampaignCompletedV1(CampaignCounters):
    """`campaign.completed.v1`: every delivery has its final status."""

    campaign_id: UUID
    tenant_id: TenantId
    connection_id: ConnectionId
    name: str
    finished_at: UtcDatetime
    report_path: str = Field(description="The CSV report: `/v1/campaigns/<id>/report.csv`")


class CampaignCancelledV1(CampaignCounters):
    """`campaign.cancelled.v1`: nothing more is sent; the rest is marked cancelled."""

    campaign_id: UUID
    tenant_id: TenantId
    connection_id: ConnectionId
    name: str
    finished_at: UtcDatetime
    report_path: str


PauseReason = Literal["requested", "failure_rate", "account_restricted"]


class FailureRate(Message):
    """The figures that paused a campaign: `failed` of its last `attempts`."""

    failed: int = Field(ge=0)
    attempts: int = Field(ge=1)
    threshold: float = Field(gt=0, le=1, description="the failure ratio that pauses")


class CampaignPausedV1(Message):
    """`campaign.paused.v1`: nothing more of the campaign goes to the platform until a
    person resumes it.  `reason`: `requested` (by `requested_by`), `failure_rate`
    (`failure_rate` has the figures) or `account_restricted` (the platform restricted
    the sending account: `platform_code`, `detail`)."""

    campaign_id: UUID
    tenant_id: TenantId
    connection_id: ConnectionId
    name: str
    reason: PauseReason
    requested_by: str | None = None
    failure_rate: FailureRate | None = None
    platform_code: str | None = Field(default=None, max_length=200)
    detail: str | None = Field(default=None, max_length=2000)
    paused_at: UtcDatetime


class CampaignResumedV1(Message):
    """`campaign.resumed.v1`: a paused campaign goes on where it stopped."""

    campaign_id: UUID
    tenant_id: TenantId
    connection_id: ConnectionId
    name: str
    requested_by: str | None = None
    resumed_at: UtcDatetime
