"""What reported outcomes do to a campaign: counters, chains cut short, the end."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from uuid import UUID

from contracts.campaigns import CampaignCounters
from contracts.dispatch import DeliveryResult

from .model import Applied, CampaignRun

PREVIOUS_STEP_REASON = "the previous message of the chain did not reach this recipient"
MONTHLY_LIMIT_RULE = "quota.monthly_limit"
CANCELLED_CODE = "campaign.cancelled"
CANCELLED_REASON = "the campaign was cancelled before this message was sent"


@dataclass
class Tally:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    cancelled: int = 0
    unknown: int = 0
    deferred: int = 0
    """Waiting again for a rate's next allowance: not finished."""
    done: int = 0
    settled: int = 0
    abandoned: list[tuple[int, int]] = field(default_factory=list)
    """(recipient_no, first step not to send): chains cut short by a failure."""
    withdrawn: list[tuple[int, int]] = field(default_factory=list)
    """(recipient_no, first step not to send): chains of a cancelled campaign,
    whose later steps are cancelled (counted when the campaign ends)."""


def tally(applied: list[Applied], step_count: int, *, cancelled: bool = False) -> Tally:
    """`cancelled`: the campaign was cancelled, so no chain goes on (and a deferred
    step, never sent, is cancelled with the rest of its chain)."""
    result = Tally()
    for item in applied:
        result.settled += 1
        setattr(result, item.status, getattr(result, item.status) + 1)
        if item.status == "deferred":
            if item.done:
                result.done += 1
                result.withdrawn.append((item.recipient_no, item.step_no))
            continue
        if item.done:
            result.done += 1
            if item.step_no < step_count:
                rest = (item.recipient_no, item.step_no + 1)
                if cancelled:
                    result.withdrawn.append(rest)
                else:
                    result.abandoned.append(rest)
                    result.skipped += step_count - item.step_no
    return result


def unsent_results(
    campaign_id: UUID,
    rests: list[tuple[int, int]],
    step_count: int,
    now: datetime,
    *,
    status: Literal["skipped", "cancelled"],
    code: str,
    reason: str,
) -> list[DeliveryResult]:
    """Steps that will never be sent, from (recipient_no, first such step) on,
    reported so every delivery ends."""
    return [
        DeliveryResult(
            campaign_id=campaign_id,
            recipient_no=recipient_no,
            step_no=step_no,
            status=status,
            error_code=code,
            error_reason=reason,
            finished_at=now,
        )
        for recipient_no, first in rests
        for step_no in range(first, step_count + 1)
    ]


def skipped_results(
    campaign_id: UUID,
    skipped: list[tuple[int, int]],
    step_count: int,
    now: datetime,
    *,
    code: str = "chain.previous_step",
    reason: str = PREVIOUS_STEP_REASON,
) -> list[DeliveryResult]:
    return unsent_results(
        campaign_id, skipped, step_count, now, status="skipped", code=code, reason=reason
    )


def cancelled_results(
    campaign_id: UUID, rests: list[tuple[int, int]], step_count: int, now: datetime
) -> list[DeliveryResult]:
    """What a cancel stopped: every step from (recipient_no, first step) on."""
    return unsent_results(
        campaign_id,
        rests,
        step_count,
        now,
        status="cancelled",
        code=CANCELLED_CODE,
        reason=CANCELLED_REASON,
    )


def monthly_limit_reason(limit: int, month: datetime) -> str:
    return (
        f"the tenant's monthly limit of {limit} messages for {month:%Y-%m} is reached; "
        "raise the limit to send more"
    )


def is_complete(run: CampaignRun) -> bool:
    """Every recipient of a fully loaded snapshot has its last outcome."""
    return (
        run.status == "running"
        and run.audience_size is not None
        and run.batch_count is not None
        and run.batches_received >= run.batch_count
        and run.recipients_done >= run.audience_size
    )


def snapshot_settled(run: CampaignRun) -> bool:
    """No snapshot was asked for, or every batch of it is in (so each of its
    recipients has been reported)."""
    return not run.snapshot_requested or (
        run.audience_size is not None
        and run.batch_count is not None
        and run.batches_received >= run.batch_count
    )


def cancel_settled(run: CampaignRun) -> bool:
    """A cancelled campaign is final once nothing it released is still in flight
    and its whole audience is known, so the final counters are."""
    return (
        run.status == "cancelled"
        and run.outstanding == 0
        and run.final_event_at is None
        and snapshot_settled(run)
    )


def final_counters(run: CampaignRun) -> CampaignCounters:
    """Counters for the final event; what was never sent counts as cancelled."""
    size = run.audience_size or 0
    ended = run.sent + run.failed + run.skipped + run.unknown
    return CampaignCounters(
        audience_size=size,
        sent=run.sent,
        failed=run.failed,
        skipped=run.skipped,
        cancelled=max(size * run.step_count - ended, 0),
        unknown=run.unknown,
    )
