"""Campaign records as the API shows them."""

from __future__ import annotations

from ..domain.model import CampaignRecord, FailureReason
from .schemas import CampaignDetail, CampaignSummary, FailureReasonOut, Progress


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
        remaining=remaining,
    )


def links(record: CampaignRecord) -> dict[str, str]:
    base = f"/v1/campaigns/{record.id}"
    return {
        "self": base,
        "deliveries": f"{base}/deliveries",
        "report": f"{base}/report.csv",
        "cancel": f"{base}/cancel",
    }


def summary(record: CampaignRecord) -> CampaignSummary:
    return CampaignSummary(
        id=record.id,
        sending_id=record.sending_id,
        name=record.name,
        status=record.status,
        connection_id=record.connection_id,
        channel=record.channel,
        start_at=record.start_at,
        created_at=record.created_at,
        started_at=record.started_at,
        finished_at=record.finished_at,
        cancel_requested_at=record.cancel_requested_at,
        progress=progress(record),
        links=links(record),
    )


def detail(record: CampaignRecord, reasons: list[FailureReason]) -> CampaignDetail:
    return CampaignDetail(
        **summary(record).model_dump(),
        request_id=record.request_id,
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
    )
