"""The notices of a sending started from the group: when it starts, and when it
ends (its counters, its failures by reason, then its CSV report as a document)."""

from __future__ import annotations

import gzip
from typing import Any

from aiogram.types import BufferedInputFile
from contracts.campaigns import CampaignPausedV1

from . import texts
from .texts import say

TELEGRAM_DOCUMENT_LIMIT = 50 * 1024 * 1024
"""The most a bot may upload (sendDocument)."""
REPORT_ROOM = TELEGRAM_DOCUMENT_LIMIT - 64 * 1024
"""What a report may weigh as it is; a larger one is sent gzipped (CSV compresses
about tenfold), and one still too large is split into parts."""
MAX_REASONS = 10


def started(language: str, campaign: dict[str, Any]) -> str:
    progress = campaign["progress"]
    audience = progress.get("audience_size") or progress.get("estimated_audience") or 0
    return say(
        language, texts.STARTED, sid=campaign["sending_id"], name=campaign["name"], count=audience
    )


def paused_itself(language: str, campaign: dict[str, Any], event: CampaignPausedV1) -> str:
    """A sending that paused itself (its failures, or its account restricted): why,
    and how to let it go on."""
    if event.failure_rate is not None:
        why = say(
            language,
            texts.FAILURE_RATE,
            failed=event.failure_rate.failed,
            attempts=event.failure_rate.attempts,
        )
    else:
        why = say(language, texts.ACCOUNT_RESTRICTED, code=event.platform_code or "-")
    return say(
        language, texts.PAUSED_ITSELF, sid=campaign["sending_id"], name=campaign["name"], why=why
    )


def finished(language: str, campaign: dict[str, Any], cancelled: bool) -> str:
    """The end of a sending: how it ended, its counts and its failures by reason."""
    progress = campaign["progress"]
    head = texts.CANCELLED if cancelled else texts.COMPLETE
    lines = [
        say(language, head, sid=campaign["sending_id"], name=campaign["name"]),
        say(
            language,
            texts.COUNTS,
            sent=progress["delivered"],
            failed=progress["failed"],
            skipped=progress["skipped"],
            cancelled=progress["cancelled"],
            audience=progress["audience_size"],
        ),
    ]
    reasons = campaign.get("failure_reasons") or []
    if reasons:
        lines.append(say(language, texts.WHY))
        lines += [
            f"• {r.get('error_reason') or r.get('error_code') or r['status']}: {r['count']}"
            for r in reasons[:MAX_REASONS]
        ]
    return "\n".join(lines)


def report_documents(campaign_id: str, report: bytes) -> list[BufferedInputFile]:
    """The report as documents Telegram takes: as it is, gzipped when over the
    limit, in parts when even that is over it."""
    name = f"campaign-{campaign_id}.csv"
    if len(report) <= REPORT_ROOM:
        return [BufferedInputFile(report, filename=name)]
    packed = gzip.compress(report, compresslevel=6)
    if len(packed) <= REPORT_ROOM:
        return [BufferedInputFile(packed, filename=f"{name}.gz")]
    parts = [packed[at : at + REPORT_ROOM] for at in range(0, len(packed), REPORT_ROOM)]
    return [
        BufferedInputFile(part, filename=f"{name}.gz.part{n}of{len(parts)}")
        for n, part in enumerate(parts, 1)
    ]
