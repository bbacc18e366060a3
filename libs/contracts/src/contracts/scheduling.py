"""What the scheduler is told: campaigns to run and campaigns to stop."""

from __future__ import annotations

from uuid import UUID

from pydantic import Field

from .audience import Audience
from .base import ConnectionChannel, ConnectionId, Message, TenantId, UtcDatetime
from .content import StepContent
from .quiet_hours import DEFAULT_TIMEZONE, QuietHours


class CampaignStep(Message):
    """One message of a campaign's chain; step 1 goes at the recipient's turn, step k
    `delay_seconds` after step k-1 was actually sent to that recipient, and never
    before `not_before` (a step given a date and time)."""

    step_no: int = Field(ge=1)
    delay_seconds: float = Field(default=0, ge=0)
    not_before: UtcDatetime | None = Field(
        default=None,
        description="A fixed UTC moment: the step goes then, or right after the previous "
        "step if that was sent later",
    )
    content: StepContent


class AutoPauseThreshold(Message):
    """The campaign pauses itself once at least `window` attempts are seen and at
    least `failure_ratio` of its last `window` attempts failed."""

    failure_ratio: float = Field(gt=0, le=1)
    window: int = Field(ge=1)


class CampaignScheduledV1(Message):
    """`campaign.scheduled.v1`: an accepted campaign for one connection, fully resolved."""

    campaign_id: UUID
    tenant_id: TenantId
    connection_id: ConnectionId
    channel: ConnectionChannel
    name: str
    audience: Audience
    steps: list[CampaignStep] = Field(min_length=1)
    interval_seconds: float = Field(ge=0)
    start_at: UtcDatetime
    counts_toward_quota: bool = True
    monthly_limit: int | None = Field(
        default=None,
        ge=0,
        description=(
            "the tenant's monthly message limit when the campaign was accepted, so the "
            "limit holds while sending even before the scheduler has seen "
            "tenant.updated.v1 (which, once seen, wins)"
        ),
    )
    auto_pause: AutoPauseThreshold | None = Field(
        default=None,
        description="when the campaign pauses itself for its failures (absent: never)",
    )
    created_at: UtcDatetime
    quiet_hours: QuietHours | None = Field(
        default=None,
        description="The effective quiet hours (the campaign's own, else the tenant's): a "
        "delivery due inside them waits until they end in the recipient's time zone",
    )
    timezone: str = Field(
        default=DEFAULT_TIMEZONE,
        description="The tenant's default IANA time zone, for recipients without a valid "
        "`timezone` attribute",
    )


class CampaignCancelRequestedV1(Message):
    """`campaign.cancel.v1`: stop a campaign; nothing more is released."""

    campaign_id: UUID
    tenant_id: TenantId
    requested_at: UtcDatetime
    requested_by: str | None = None


class CampaignPauseRequestedV1(Message):
    """`campaign.pause.v1`: send nothing more of a campaign until it is resumed.
    Consumed by the scheduler (releases nothing) and every dispatcher (holds back
    the jobs it has: reported `deferred`, `campaign.paused`)."""

    campaign_id: UUID
    tenant_id: TenantId
    requested_at: UtcDatetime
    requested_by: str | None = None


class CampaignResumeRequestedV1(Message):
    """`campaign.resume.v1`: a paused campaign goes on where it stopped."""

    campaign_id: UUID
    tenant_id: TenantId
    requested_at: UtcDatetime
    requested_by: str | None = None
