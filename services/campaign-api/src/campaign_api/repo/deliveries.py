"""Every delivery of a campaign: created from the audience snapshot, finished by
the dispatchers' reports, read page by page for the API and the CSV report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from contracts.audience import Recipient
from contracts.dispatch import DeliveryResult

from . import Conn, Pool, sql

UPSERT_PENDING_DELIVERIES = sql("upsert_pending_deliveries")
UPSERT_DELIVERY_RESULTS = sql("upsert_delivery_results")
SELECT_DELIVERIES_PAGE = sql("select_deliveries_page")
ERASE_DELIVERY_TEXTS = sql("erase_delivery_texts")

STATUS_RANK = {
    "pending": 0,
    "waiting": 0,
    "cancelled": 1,
    "sent": 2,
    "failed": 2,
    "skipped": 2,
    "unknown": 2,
}
"""A status never goes down in rank; a waiting delivery may wait again (a later time)."""
SHOWN_AS = {"deferred": "waiting"}
"""A delivery a rate deferred is shown as waiting (for its connection's next allowance)."""


@dataclass(frozen=True)
class DeliveryRow:
    recipient_no: int
    step_no: int
    contact_id: str | None
    external_id: str | None
    recipient_name: str | None
    status: str
    attempts: int
    platform_message_id: str | None
    error_code: str | None
    error_reason: str | None
    composition: str | None
    sent_at: datetime | None
    finished_at: datetime | None
    fallback_reason: str | None = None
    waiting_until: datetime | None = None
    text: str | None = None
    """The text the person got (a sent delivery), until it is erased for its age."""


async def add_recipients(
    conn: Pool | Conn, campaign_id: UUID, recipients: list[Recipient], steps: int
) -> None:
    await conn.execute(
        UPSERT_PENDING_DELIVERIES,
        campaign_id,
        [r.recipient_no for r in recipients],
        [r.contact_id for r in recipients],
        [r.external_id for r in recipients],
        [r.name for r in recipients],
        steps,
    )


async def record_results(
    conn: Pool | Conn, results: list[DeliveryResult], *, keep_texts: bool = True
) -> None:
    """Apply outcomes; a status never goes backwards (pending, waiting < cancelled <
    final); a deferred delivery is shown as waiting, until its `retry_at`.  The text
    that was sent is stored with its delivery unless `keep_texts` is False."""
    latest: dict[tuple[UUID, int, int], DeliveryResult] = {}
    for result in results:
        key = (result.campaign_id, result.recipient_no, result.step_no)
        kept = latest.get(key)
        if kept is None or _rank(result) >= _rank(kept):
            latest[key] = result
    rows = list(latest.values())
    statuses = [SHOWN_AS.get(r.status, r.status) for r in rows]
    await conn.execute(
        UPSERT_DELIVERY_RESULTS,
        [r.campaign_id for r in rows],
        [r.recipient_no for r in rows],
        [r.step_no for r in rows],
        statuses,
        [STATUS_RANK[status] for status in statuses],
        [r.attempts for r in rows],
        [r.platform_message_id for r in rows],
        [r.error_code for r in rows],
        [r.error_reason for r in rows],
        [r.composition for r in rows],
        [r.sent_at for r in rows],
        [r.finished_at for r in rows],
        [r.fallback_reason for r in rows],
        [r.retry_at if r.status == "deferred" else None for r in rows],
        [r.text if keep_texts else None for r in rows],
    )


def _rank(result: DeliveryResult) -> int:
    return STATUS_RANK[SHOWN_AS.get(result.status, result.status)]


async def deliveries_page(
    pool: Pool,
    campaign_id: UUID,
    *,
    status: str | None,
    after: tuple[int, int],
    limit: int,
) -> list[DeliveryRow]:
    rows = await pool.fetch(SELECT_DELIVERIES_PAGE, campaign_id, status, after[0], after[1], limit)
    return [DeliveryRow(**dict(row)) for row in rows]


async def erase_texts(pool: Pool, finished_before: datetime, limit: int) -> int:
    """Erase the texts of at most `limit` deliveries finished before `finished_before`
    (the oldest first); answers how many were erased."""
    erased: int = await pool.fetchval(ERASE_DELIVERY_TEXTS, finished_before, limit)
    return erased
