"""A snapshot streamed: its recipients in numbered batches, in order, then
`audience.snapshotted.v1`, all on `campaigns.internal`, confirmed and persistent.

A batch is published once the one before is confirmed (so batches arrive in
order); the next batch is read while the broker confirms.  Message ids are
stable (`<campaign>.recipients.<n>`), so a stream repeated after a redelivery
carries the same ids as the first.

The recipients of a batch travel as PostgreSQL renders them: the page
statement's columns are `Recipient`'s fields, spliced into the batch's envelope
(a `RecipientsResolvedV1` dumped without them), so 900,000 recipients are not
parsed into models and serialized again in Python just to be passed on.  The
tests read every batch back through the contracts model.
"""

from __future__ import annotations

import asyncio
import contextlib

from contracts.audience import AudienceSnapshottedV1, RecipientsResolvedV1
from contracts.names import INTERNAL_EXCHANGE, RoutingKey
from service_kit.publishing import Publisher

from .domain import Snapshot
from .metrics import ResolverMetrics
from .repo import Pool
from .repo import snapshots as snapshots_repo


class SnapshotStream:
    def __init__(self, pool: Pool, publisher: Publisher, metrics: ResolverMetrics) -> None:
        self._pool = pool
        self._publisher = publisher
        self._metrics = metrics

    async def publish(self, snapshot: Snapshot, batch_size: int) -> int:
        """Publish `snapshot`; returns how many batches it took."""
        batch_count = await self._publish_batches(snapshot, batch_size)
        await self._publisher.publish(
            AudienceSnapshottedV1(
                campaign_id=snapshot.campaign_id,
                tenant_id=snapshot.tenant_id,
                audience_size=snapshot.audience_size,
                batch_count=batch_count,
                unknown_external_ids=snapshot.unreached.unknown.first,
                unknown_count=snapshot.unreached.unknown.count,
                opted_out_external_ids=snapshot.unreached.opted_out.first,
                opted_out_count=snapshot.unreached.opted_out.count,
                error=snapshot.error,
                snapshotted_at=snapshot.taken_at,
            ),
            exchange=INTERNAL_EXCHANGE,
            routing_key=RoutingKey.AUDIENCE_SNAPSHOTTED,
            message_id=f"{snapshot.campaign_id}.snapshotted",
        )
        return batch_count

    async def _publish_batches(self, snapshot: Snapshot, batch_size: int) -> int:
        pages = snapshots_repo.recipient_pages(self._pool, snapshot, batch_size)
        batch_count = 0
        confirming: asyncio.Task[None] | None = None
        try:
            async with contextlib.aclosing(pages):
                async for page in pages:
                    batch_count += 1
                    count = min(batch_size, snapshot.audience_size - page.first_no + 1)
                    body = _batch_body(snapshot, batch_count, page.json)
                    if confirming is not None:
                        await confirming
                    confirming = asyncio.create_task(
                        self._publish_batch(snapshot, batch_count, body, count)
                    )
            if confirming is not None:
                await confirming
        finally:
            if confirming is not None:
                confirming.cancel()
        return batch_count

    async def _publish_batch(
        self, snapshot: Snapshot, batch_no: int, body: bytes, count: int
    ) -> None:
        await self._publisher.publish_raw(
            body,
            exchange=INTERNAL_EXCHANGE,
            routing_key=RoutingKey.RECIPIENTS_RESOLVED,
            message_type=RoutingKey.RECIPIENTS_RESOLVED,
            message_id=f"{snapshot.campaign_id}.recipients.{batch_no}",
        )
        self._metrics.recipients_published.inc(count)


def _batch_body(snapshot: Snapshot, batch_no: int, recipients_json: str) -> bytes:
    """`audience.recipients.resolved.v1`: the envelope from the model, the
    recipients as the page statement rendered them."""
    envelope = RecipientsResolvedV1(
        campaign_id=snapshot.campaign_id,
        tenant_id=snapshot.tenant_id,
        batch_no=batch_no,
        recipients=[],
    ).model_dump_json(exclude={"recipients"})
    return f'{envelope[:-1]},"recipients":{recipients_json}}}'.encode()
