"""Building the outcome of a delivery."""

from __future__ import annotations

from datetime import datetime

from contracts.dispatch import DeliveryResult, DeliveryStatus, DispatchJob
from service_kit.backoff import Backoff


def outcome(
    job: DispatchJob,
    status: DeliveryStatus,
    *,
    now: datetime,
    attempts: int = 0,
    platform_message_id: str | None = None,
    code: str | None = None,
    reason: str | None = None,
    retry_at: datetime | None = None,
) -> DeliveryResult:
    return DeliveryResult(
        campaign_id=job.campaign_id,
        recipient_no=job.recipient_no,
        step_no=job.step_no,
        status=status,
        attempts=attempts,
        platform_message_id=platform_message_id,
        error_code=code,
        error_reason=reason,
        sent_at=now if status == "sent" else None,
        finished_at=now,
        composition=job.composition,
        fallback_reason=job.fallback_reason,
        retry_at=retry_at,
    )


UNKNOWN_REASON = (
    "the dispatcher stopped while this message was being sent; "
    "the platform may or may not have delivered it, so it is not sent again"
)
CANCELLED_REASON = "the campaign was cancelled before this message was sent"


def backoff_seconds(attempt: int, *, base: float = 1.0, cap: float = 60.0) -> float:
    """1, 2, 4, 8 ... seconds (at most `cap`) after the 1st, 2nd, 3rd ... failed
    attempt to send a message: service-kit's backoff from `base`."""
    return Backoff(first=base, longest=cap).delay(attempt)
