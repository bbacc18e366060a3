"""Consumers of the audience-resolver: decode, apply the domain's rules, store,
publish.  Every one is idempotent, and commits before the kit acknowledges."""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg
from contracts.audience import (
    AudienceEstimateRequestedV1,
    AudienceEstimateV1,
    AudienceSnapshotRequestedV1,
    ContactsImportedV1,
    ContactUpsertedV1,
    MessageInboundV1,
)
from contracts.base import utc_now
from pydantic import BaseModel
from service_kit.errors import Unprocessable
from service_kit.logs import get_logger
from service_kit.runtime import ServiceRuntime

from .domain import (
    activity_of,
    changes_of_import,
    changes_of_upsert,
    estimate_of,
    selection_of,
)
from .metrics import ResolverMetrics
from .repo import Pool
from .repo import contacts as contacts_repo
from .repo import estimates as estimates_repo
from .repo import snapshots as snapshots_repo
from .streaming import SnapshotStream

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R", bound=BaseModel | None)

log = get_logger(__name__)


def dead_letter_refused_values(
    handle: Callable[[M], Awaitable[R]],
) -> Callable[[M], Awaitable[R]]:
    """A message whose values PostgreSQL refuses (a NUL character in a text) will
    never be stored: it goes to the dead-letter queue at once, with the reason."""

    @functools.wraps(handle)
    async def guarded(message: M) -> R:
        try:
            return await handle(message)
        except asyncpg.DataError as error:
            raise Unprocessable(f"PostgreSQL refuses its values: {error}") from error

    return guarded


class Handlers:
    def __init__(self, runtime: ServiceRuntime, metrics: ResolverMetrics) -> None:
        self._runtime = runtime
        self._metrics = metrics

    @property
    def _pool(self) -> Pool:
        return self._runtime.pool

    async def on_contact_upserted(self, event: ContactUpsertedV1) -> None:
        changes = changes_of_upsert(event, received_at=utc_now())
        await contacts_repo.apply_changes(self._pool, event.tenant_id, changes)
        self._metrics.contacts_upserted.labels("upsert").inc()

    async def on_contacts_imported(self, batch: ContactsImportedV1) -> None:
        changes = changes_of_import(batch)
        await contacts_repo.apply_changes(self._pool, batch.tenant_id, changes)
        self._metrics.contacts_upserted.labels("import").inc(len(changes.records))

    async def on_message_inbound(self, event: MessageInboundV1) -> None:
        activity = activity_of(event)
        await contacts_repo.record_inbound(self._pool, event.tenant_id, activity)
        self._metrics.inbound_recorded.labels(str(activity.opts_out).lower()).inc()
        if activity.opts_out:
            log.info(
                "contact opted out",
                tenant_id=event.tenant_id,
                connection_id=event.connection_id,
            )

    async def on_snapshot_requested(self, request: AudienceSnapshotRequestedV1) -> None:
        """Take the snapshot once; stream it (again, on a repeated request: the
        consumers downstream are idempotent)."""
        started = time.perf_counter()
        now = utc_now()
        snapshot, taken_now = await snapshots_repo.take(
            self._pool,
            campaign_id=request.campaign_id,
            tenant_id=request.tenant_id,
            connection_id=request.connection_id,
            selection=selection_of(request.audience, connection_id=request.connection_id, now=now),
            now=now,
        )
        if taken_now:
            self._metrics.snapshot_seconds.observe(time.perf_counter() - started)
        self._metrics.snapshots.labels("taken" if taken_now else "repeated").inc()
        log.info(
            "snapshot taken" if taken_now else "snapshot taken before; streaming it again",
            audience_size=snapshot.audience_size,
            unknown_count=snapshot.unknown.count,
            seconds=round(time.perf_counter() - started, 3),
        )
        stream = SnapshotStream(self._pool, self._runtime.publisher, self._metrics)
        with self._metrics.snapshot_stream_seconds.time():
            batch_count = await stream.publish(snapshot, request.batch_size)
        log.info("snapshot streamed", batch_count=batch_count)

    async def on_estimate_requested(
        self, request: AudienceEstimateRequestedV1
    ) -> AudienceEstimateV1:
        """The reply to the request (`reply_to`)."""
        with self._metrics.estimate_seconds.time():
            selection = selection_of(
                request.audience, connection_id=request.connection_id, now=utc_now()
            )
            matching, unknown = await estimates_repo.count(
                self._pool, request.tenant_id, request.connection_id, selection
            )
        return estimate_of(matching, unknown, connection_id=request.connection_id)
