"""Campaign records as the API shows them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime

from contracts import allowance

from ..domain.connections import connection_daily_limits
from ..domain.model import CampaignRecord, FailureReason, PlannedCampaign, Waiting
from ..domain.preflight import Preflight
from ..repo.accounts import ConnectionDetails
from ..repo.campaigns import CompositionCount
from ..resends import Resend
from ..submissions import Submission
from ..usecases.campaigns import CampaignShown, DryRun, Page
from .schemas import (
    CampaignCreated,
    CampaignDetail,
    CampaignList,
    CampaignSummary,
    FailureReasonOut,
    PauseOut,
    PlannedOut,
    PreflightOut,
    PreflightWarningOut,
    Progress,
    QuietWaitOut,
    ResendOut,
    SampleOut,
    SendingDaysOut,
)

BUILTIN_NOTE = (
    "{count} of these texts were written by the built-in composer, which is not an LLM: "
    "it varies phrases around the prompt's offer. Set COMPOSER_OPENAI_API_KEY (or "
    "COMPOSER_OPENAI_BASE_URL) for the ai-composer to write with a language model."
)
FALLBACK_NOTE = "{count} recipients got the fallback text instead of a written one ({reasons})."


def progress(record: CampaignRecord) -> Progress:
    counters = record.counters
    total = record.audience_size * len(record.steps) if record.audience_size is not None else None
    remaining = None
    if total is not None:
        remaining = (
            0 if record.status in ("completed", "cancelled") else max(total - counters.finished, 0)
        )
    return Progress(
        audience_size=record.audience_size,
        estimated_audience=record.estimated_audience,
        total=total,
        sent=counters.sent,
        delivered=counters.sent,
        failed=counters.failed,
        skipped=counters.skipped,
        cancelled=counters.cancelled,
        unknown=counters.unknown,
        waiting=counters.waiting,
        remaining=remaining,
    )


def links(record: CampaignRecord) -> dict[str, str]:
    base = f"/v1/campaigns/{record.id}"
    return {
        "self": base,
        "deliveries": f"{base}/deliveries",
        "report": f"{base}/report.csv",
        "cancel": f"{base}/cancel",
        "pause": f"{base}/pause",
        "resume": f"{base}/resume",
        "resend": f"{base}/resend",
    }


def summary(record: CampaignRecord) -> CampaignSummary:
    return CampaignSummary(
        id=record.id,
        sending_id=record.sending_id,
        name=record.name,
        status=record.shown_status,
        connection_id=record.connection_id,
        channel=record.channel,
        start_at=record.start_at,
        created_at=record.created_at,
        started_at=record.started_at,
        finished_at=record.finished_at,
        cancel_requested_at=record.cancel_requested_at,
        pause=pause_out(record),
        progress=progress(record),
        links=links(record),
    )


def pause_out(record: CampaignRecord) -> PauseOut | None:
    """Why the campaign is paused (None: it is not)."""
    if record.shown_status != "paused" or record.paused_at is None:
        return None
    return PauseOut.model_validate({**(record.pause or {}), "paused_at": record.paused_at})


def composition_note(by_composition: Counter[str], by_reason: Counter[str]) -> str | None:
    """What the reader should know of how the texts were written, if anything."""
    notes = []
    if by_composition["ai_builtin"]:
        notes.append(BUILTIN_NOTE.format(count=by_composition["ai_builtin"]))
    if by_composition["ai_fallback"]:
        reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(by_reason.items()))
        notes.append(
            FALLBACK_NOTE.format(count=by_composition["ai_fallback"], reasons=reasons or "unknown")
        )
    return " ".join(notes) or None


def sending_days(
    details: ConnectionDetails, recipients: int, start: datetime
) -> SendingDaysOut | None:
    """A WhatsApp connection's days for `recipients` people from `start` (None for
    other channels, whose dispatchers hold no daily allowance)."""
    channel = details.connection.channel
    if channel != "whatsapp":
        return None
    limits = connection_daily_limits(channel, details.limits)
    plan = allowance.sending_days(limits, details.first_used_at, start, recipients)
    return SendingDaysOut(
        connection_id=details.connection.id,
        recipients=plan.recipients,
        first_day=plan.first_day,
        on_first_day=plan.on_first_day,
        days=plan.days,
        last_day=plan.last_day,
        never=plan.never,
        note=allowance.sending_days_note(limits, plan),
    )


def waiting_note(waiting: Waiting) -> str | None:
    """What the reader should know of deliveries held back by a rate, if any."""
    if not waiting.count or waiting.until is None:
        return None
    note = (
        f"{waiting.count} deliveries wait for the connection's daily allowance; the last of "
        f"them may go from {waiting.until:%Y-%m-%d %H:%M} UTC"
    )
    return f"{note} ({waiting.reason})" if waiting.reason else note


def detail(
    record: CampaignRecord,
    reasons: list[FailureReason],
    compositions: Sequence[CompositionCount] = (),
    waiting: Waiting | None = None,
) -> CampaignDetail:
    by_composition: Counter[str] = Counter()
    by_reason: Counter[str] = Counter()
    for composition, fallback_reason, count in compositions:
        by_composition[composition] += count
        if composition == "ai_fallback" and fallback_reason:
            by_reason[fallback_reason] += count
    return CampaignDetail(
        **summary(record).model_dump(),
        request_id=record.request_id,
        resend_of=record.resend_of,
        requested_by=record.requested_by,
        audience=record.audience,
        content=record.content,
        steps=record.steps,
        interval_seconds=record.interval_seconds,
        counts_toward_quota=record.counts_toward_quota,
        failure_reasons=[
            FailureReasonOut(
                status=r.status, error_code=r.error_code, error_reason=r.error_reason, count=r.count
            )
            for r in reasons
        ],
        unknown_external_ids=record.unknown_external_ids,
        unknown_count=record.unknown_count,
        compositions=dict(sorted(by_composition.items())),
        fallback_reasons=dict(sorted(by_reason.items())),
        composition_note=composition_note(by_composition, by_reason),
        waiting_until=waiting.until if waiting and waiting.count else None,
        waiting_note=waiting_note(waiting) if waiting else None,
    )


def created(submission: Submission) -> CampaignCreated:
    """The answer to a campaign request: the campaigns it made (or made before)."""
    ids = [c.id for c in submission.campaigns]
    return CampaignCreated(
        request_id=submission.request_id,
        dry_run=False,
        created=submission.created,
        campaign_id=ids[0] if ids else None,
        campaign_ids=ids,
        campaigns=[detail(c, []) for c in submission.campaigns],
        planned=[],
        preflight=[preflight_out(p) for p in submission.preflight.values()],
    )


def planned(dry: DryRun) -> CampaignCreated:
    """The answer to a dry run: what the request would make."""
    return CampaignCreated(
        request_id=dry.request_id,
        dry_run=True,
        created=False,
        campaign_id=None,
        campaign_ids=[],
        campaigns=[],
        planned=[
            planned_out(p, dry.connections.get(p.connection_id), dry.preflight.get(p.connection_id))
            for p in dry.planned
        ],
        samples=[SampleOut(**asdict(sample)) for sample in dry.samples],
        samples_note=dry.samples_note,
    )


def preflight_out(found: Preflight) -> PreflightOut:
    return PreflightOut(
        connection_id=found.connection_id,
        matching=found.matching,
        kept_out=found.kept_out,
        will_send=found.will_send,
        seconds_apart=found.seconds_apart,
        duration_seconds=found.duration_seconds,
        finish_at=found.finish_at,
        summary=found.summary,
        quiet=QuietWaitOut(count=found.quiet.count, until=found.quiet.until)
        if found.quiet
        else None,
        warnings=[PreflightWarningOut(code=w.code, message=w.message) for w in found.warnings],
    )


def planned_out(
    plan: PlannedCampaign, connection: ConnectionDetails | None, checked: Preflight | None = None
) -> PlannedOut:
    return PlannedOut(
        preflight=preflight_out(checked) if checked else None,
        connection_id=plan.connection_id,
        channel=plan.channel,
        name=plan.name,
        start_at=plan.start_at,
        interval_seconds=plan.interval_seconds,
        steps=[s.model_dump(mode="json") for s in plan.steps],
        counts_toward_quota=plan.counts_toward_quota,
        estimated_audience=plan.estimated_audience,
        sending_days=(
            sending_days(connection, plan.estimated_audience, plan.start_at)
            if plan.estimated_audience is not None and connection is not None
            else None
        ),
    )


def campaign_list(page: Page[CampaignRecord]) -> CampaignList:
    return CampaignList(items=[summary(r) for r in page.items], next_cursor=page.next_cursor)


def shown(found: CampaignShown) -> CampaignDetail:
    return detail(found.record, found.reasons, found.compositions, found.waiting)


def resent(resend: Resend) -> ResendOut:
    """A resend as the API answers it."""
    ids = [c.id for c in resend.campaigns]
    return ResendOut(
        resend_of=resend.original.id,
        request_id=resend.request_id,
        created=resend.created,
        recipients=resend.recipients,
        picked=dict(sorted(resend.selection.picked_by_class.items())),
        left_out=dict(sorted(resend.selection.left_by_class.items())),
        campaign_id=ids[0] if ids else None,
        campaign_ids=ids,
        campaigns=[detail(c, []) for c in resend.campaigns],
        note=resend.note,
    )
