"""The audience-resolver's handlers: decode, apply the domain's rules, store,
publish.  Every one is idempotent, and commits before the kit acknowledges."""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import ParamSpec, TypeVar

from contracts.audience import (
    AllAudience,
    AudienceDialogsRequestedV1,
    AudienceDialogsV1,
    AudienceEstimateRequestedV1,
    AudienceEstimateV1,
    AudienceListCloseRequestedV1,
    AudienceListUploadedV1,
    AudienceListV1,
    AudienceSnapshotRequestedV1,
    ContactsImportedV1,
    ContactUpsertedV1,
    MessageInboundV1,
)
from contracts.base import utc_now
from contracts.names import DIALOGS_EXCHANGE as DIALOGS
from contracts.names import INTERNAL_EXCHANGE as INTERNAL
from contracts.names import Queue, RoutingKey
from contracts.tenants import TenantUpdatedV1
from pydantic import BaseModel
from service_kit.errors import Unprocessable
from service_kit.logs import get_logger
from service_kit.runtime import ServiceRuntime
from service_kit.subscribers import consumes

from .domain import (
    Unresolvable,
    Uploaded,
    activity_of,
    changes_of_import,
    changes_of_upsert,
    conditions_of,
    dialog_cursor,
    estimate_of,
    read_dialog_cursor,
    refreshes_statistics,
    search_pattern,
    selection_of,
    time_ahead,
    unresolvable_estimate,
)
from .metrics import ResolverMetrics
from .repo import Pool
from .repo import contacts as contacts_repo
from .repo import dialogs as dialogs_repo
from .repo import estimates as estimates_repo
from .repo import lists as lists_repo
from .repo import samples as samples_repo
from .repo import snapshots as snapshots_repo
from .repo import tenants as tenants_repo
from .settings import Settings
from .streaming import SnapshotStream

P = ParamSpec("P")
R = TypeVar("R", bound=BaseModel | None)

log = get_logger(__name__)


def dead_letter_refused_values(
    handle: Callable[P, Awaitable[R]],
) -> Callable[P, Awaitable[R]]:
    """A message whose values PostgreSQL refuses (a NUL character in a text) will
    never be stored: it goes to the dead-letter queue at once, with the reason."""

    @functools.wraps(handle)
    async def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await handle(*args, **kwargs)
        except contacts_repo.REFUSED_VALUES as error:
            raise Unprocessable(f"PostgreSQL refuses its values: {error}") from error

    return guarded


class Handlers:
    def __init__(
        self, runtime: ServiceRuntime, metrics: ResolverMetrics, settings: Settings
    ) -> None:
        self._runtime = runtime
        self.settings = settings
        self._metrics = metrics
        self._known_tenants: set[str] = set()
        """Tenants seen to exist (a tenant is never removed, so this only grows)."""

    @property
    def _pool(self) -> Pool:
        return self._runtime.pool

    def _sent_at(self) -> datetime | None:
        """The `timestamp` property of the message being handled: when its
        producer published it (kept on redelivery), if the producer said."""
        message = self._runtime.broker.context.get_local("message")
        stamp = getattr(getattr(message, "raw_message", None), "timestamp", None)
        if not isinstance(stamp, datetime):
            return None
        return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)

    @consumes(Queue.RESOLVER_TENANTS, INTERNAL, RoutingKey.TENANT_UPDATED)
    @dead_letter_refused_values
    async def on_tenant_updated(self, event: TenantUpdatedV1) -> None:
        await tenants_repo.record_tenant(self._pool, event.tenant_id, event.updated_at)
        self._known_tenants.add(event.tenant_id)

    async def _require_tenant(self, tenant_id: str) -> None:
        """Refuses (dead-letters with the reason) what names a tenant that does not
        exist: the producer has it wrong, and it will not come to exist by waiting."""
        if tenant_id in self._known_tenants:
            return
        if not await tenants_repo.tenant_exists(self._pool, tenant_id):
            raise Unprocessable(
                f"tenant_id {tenant_id!r} names no tenant: create it first (PUT /v1/tenants/{{id}})"
            )
        self._known_tenants.add(tenant_id)

    @consumes(Queue.RESOLVER_CONTACT_UPSERTED, DIALOGS, RoutingKey.CONTACT_UPSERTED)
    @dead_letter_refused_values
    async def on_contact_upserted(self, event: ContactUpsertedV1) -> None:
        """A tenant that does not exist, or a time ahead of the clock, is refused
        (dead-lettered with the reason)."""
        ahead = time_ahead(
            utc_now(), last_inbound_at=event.last_inbound_at, updated_at=event.updated_at
        )
        if ahead is not None:
            raise Unprocessable(ahead)
        await self._require_tenant(event.tenant_id)
        changes = changes_of_upsert(event, sent_at=self._sent_at(), received_at=utc_now())
        await contacts_repo.apply_changes(self._pool, event.tenant_id, changes)
        self._metrics.contacts_upserted.labels("upsert").inc()

    @consumes(
        Queue.RESOLVER_CONTACTS_IMPORTED,
        INTERNAL,
        RoutingKey.CONTACTS_IMPORTED,
        prefetch=lambda handlers: handlers.settings.import_concurrency,
    )
    @dead_letter_refused_values
    async def on_contacts_imported(self, batch: ContactsImportedV1) -> None:
        """One statement for the batch; should PostgreSQL refuse a value in it (the
        API rejects such rows, but not every producer may), row by row instead,
        so the rest is stored and the refused rows are logged and counted."""
        changes = changes_of_import(batch)
        try:
            await contacts_repo.apply_changes(self._pool, batch.tenant_id, changes)
        except contacts_repo.REFUSED_VALUES as error:
            log.warning("import batch refused as a whole; storing it row by row", error=str(error))
            refused = await contacts_repo.apply_one_by_one(self._pool, batch.tenant_id, changes)
            for record, why in refused:
                log.error(
                    "import row dropped: PostgreSQL refuses its values",
                    connection_id=record.connection_id,
                    external_id=repr(record.external_id)[:140],
                    reason=why,
                )
            self._metrics.import_rows_dropped.inc(len(refused))
            self._metrics.contacts_upserted.labels("import").inc(
                len(changes.records) - len(refused)
            )
        else:
            self._metrics.contacts_upserted.labels("import").inc(len(changes.records))
        if refreshes_statistics(batch, base_size=await contacts_repo.base_size(self._pool)):
            with self._metrics.statistics_seconds.time():
                await contacts_repo.refresh_statistics(self._pool)
            log.info("planner statistics refreshed after a bulk import", rows=batch.total_contacts)

    @consumes(Queue.RESOLVER_MESSAGE_INBOUND, DIALOGS, RoutingKey.MESSAGE_INBOUND)
    @dead_letter_refused_values
    async def on_message_inbound(self, event: MessageInboundV1) -> None:
        """A tenant that does not exist, or a `received_at` ahead of the clock, is
        refused (dead-lettered with the reason)."""
        ahead = time_ahead(utc_now(), received_at=event.received_at)
        if ahead is not None:
            raise Unprocessable(ahead)
        await self._require_tenant(event.tenant_id)
        activity = activity_of(event)
        await contacts_repo.record_inbound(self._pool, event.tenant_id, activity)
        self._metrics.inbound_recorded.labels(activity.command or "none").inc()
        if activity.command is not None:
            log.info(
                "contact opted out" if activity.command == "stop" else "contact opted back in",
                tenant_id=event.tenant_id,
                connection_id=event.connection_id,
            )

    @consumes(
        Queue.RESOLVER_SNAPSHOT,
        INTERNAL,
        RoutingKey.AUDIENCE_SNAPSHOT,
        prefetch=lambda handlers: handlers.settings.snapshot_concurrency,
    )
    @dead_letter_refused_values
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
        if snapshot.error is not None:
            log.error("audience cannot be resolved: the snapshot is empty", reason=snapshot.error)
        log.info(
            "snapshot taken" if taken_now else "snapshot taken before; streaming it again",
            audience_size=snapshot.audience_size,
            unknown_count=snapshot.unreached.unknown.count,
            opted_out_count=snapshot.unreached.opted_out.count,
            seconds=round(time.perf_counter() - started, 3),
        )
        stream = SnapshotStream(self._pool, self._runtime.publisher, self._metrics)
        with self._metrics.snapshot_stream_seconds.time():
            batch_count = await stream.publish(snapshot, request.batch_size)
        log.info("snapshot streamed", batch_count=batch_count)

    @consumes(Queue.RESOLVER_ESTIMATE, INTERNAL, RoutingKey.AUDIENCE_ESTIMATE)
    @dead_letter_refused_values
    async def on_estimate_requested(
        self, request: AudienceEstimateRequestedV1
    ) -> AudienceEstimateV1:
        """The reply to the request (`reply_to`), with its sample when one is asked for."""
        with self._metrics.estimate_seconds.time():
            selection = selection_of(
                request.audience, connection_id=request.connection_id, now=utc_now()
            )
            try:
                matching, unreached, groups = await estimates_repo.count(
                    self._pool,
                    request.tenant_id,
                    request.connection_id,
                    selection,
                    request.window_since,
                )
            except Unresolvable as problem:
                return unresolvable_estimate(problem, connection_id=request.connection_id)
            sample = await samples_repo.sample(
                self._pool,
                request.tenant_id,
                request.connection_id,
                selection,
                request.sample_size,
            )
        estimate = estimate_of(matching, unreached, connection_id=request.connection_id)
        return estimate.model_copy(update={"sample": sample, "groups": groups})

    @consumes(Queue.RESOLVER_DIALOGS, INTERNAL, RoutingKey.AUDIENCE_DIALOGS)
    @dead_letter_refused_values
    async def on_dialogs_requested(self, request: AudienceDialogsRequestedV1) -> AudienceDialogsV1:
        """The reply: one page of the tenant's dialogs, newest first, opted-out ones
        flagged; a cursor this list never gave is named in `error`."""
        try:
            after = read_dialog_cursor(request.cursor)
        except Unresolvable as problem:
            return AudienceDialogsV1(error=problem.reason)
        conditions = conditions_of(request.filters or AllAudience(), now=utc_now())
        with self._metrics.dialogs_seconds.time():
            items, following = await dialogs_repo.page(
                self._pool,
                request.tenant_id,
                conditions,
                search_pattern(request.q),
                after,
                request.limit,
            )
        cursor = None if following is None else dialog_cursor(following)
        return AudienceDialogsV1(items=items, next_cursor=cursor)

    @consumes(
        Queue.RESOLVER_LIST_UPLOADED,
        INTERNAL,
        RoutingKey.AUDIENCE_LIST_UPLOADED,
        prefetch=lambda handlers: handlers.settings.import_concurrency,
    )
    @dead_letter_refused_values
    async def on_list_uploaded(self, part: AudienceListUploadedV1) -> None:
        owner = await lists_repo.store_part(self._pool, part)
        if owner != part.tenant_id:
            raise Unprocessable(f"list {part.list_id} belongs to another tenant")
        self._metrics.list_ids_stored.inc(len(part.external_ids))

    @consumes(Queue.RESOLVER_LIST_CLOSE, INTERNAL, RoutingKey.AUDIENCE_LIST_CLOSE)
    @dead_letter_refused_values
    async def on_list_close(self, request: AudienceListCloseRequestedV1) -> AudienceListV1:
        """The reply: not complete while parts are still being stored; once every
        part is, the list's counts and an estimate of whom it reaches now."""
        state = await lists_repo.close(
            self._pool, request.list_id, request.tenant_id, request.part_count, utc_now()
        )
        if state is None or not state.complete:
            stored = 0 if state is None else state.stored_parts
            return AudienceListV1(list_id=request.list_id, complete=False, stored_parts=stored)
        matching, unreached, _ = await estimates_repo.count(
            self._pool, request.tenant_id, request.connection_id, Uploaded(request.list_id)
        )
        log.info("uploaded list complete", ids=state.ids, duplicates=state.duplicates)
        return AudienceListV1(
            list_id=request.list_id,
            complete=True,
            stored_parts=state.stored_parts,
            ids=state.ids,
            duplicates=state.duplicates,
            estimate=estimate_of(matching, unreached, connection_id=request.connection_id),
        )
