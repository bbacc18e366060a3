"""The release loop: launches campaigns when their start time nears, starts
them once their audience is in, and releases each due delivery exactly when it
may go.

Every step is a short transaction that locks the campaign row with SKIP LOCKED,
so several scheduler replicas share the work and never release one delivery
twice.  Jobs are published before the transaction commits: a crash in between
leaves the rows waiting, they are released again, and the dispatcher's claim
makes the second copy a no-op.
"""

from __future__ import annotations

import asyncio
import contextlib
from uuid import UUID

from contracts.audience import AudienceSnapshotRequestedV1
from contracts.dispatch import DeliveriesReportedV1
from contracts.names import (
    DISPATCHER_OF,
    INTERNAL_EXCHANGE,
    RoutingKey,
    dispatch_queue,
)
from service_kit.logs import get_logger
from service_kit.outbox import OutgoingMessage, add_to_outbox
from service_kit.retry import TRANSIENT_ERRORS
from service_kit.runtime import ServiceRuntime

from .domain.jobs import build_work
from .domain.model import CampaignRun, Released
from .domain.outcomes import MONTHLY_LIMIT_RULE, monthly_limit_reason, skipped_results
from .domain.pacing import current_slot, next_slot_after_release, release_budget
from .lifecycle import finish_if_due, started_event
from .metrics import SchedulerMetrics
from .repo import Conn, Pool
from .repo import campaigns as campaigns_repo
from .repo import quotas as quotas_repo
from .repo import recipients as recipients_repo
from .settings import Settings

log = get_logger(__name__)


class Releaser:
    def __init__(
        self, runtime: ServiceRuntime, settings: Settings, metrics: SchedulerMetrics
    ) -> None:
        self._runtime = runtime
        self._settings = settings
        self._metrics = metrics
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def _pool(self) -> Pool:
        return self._runtime.pool

    def wake(self) -> None:
        """Something changed (new campaign, recipients, outcomes): look again now."""
        self._wake.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="releaser")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        delay = 0.05
        while True:
            self._wake.clear()
            try:
                wait = await self.tick()
                delay = 0.05
            except TRANSIENT_ERRORS as error:
                log.warning("release loop failed, retrying", error=repr(error), retry_in=delay)
                wait, delay = delay, min(delay * 2, 5.0)
            if wait > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), wait)

    async def tick(self) -> float:
        """One pass; returns how long to sleep before the next (unless woken)."""
        idle = self._settings.max_idle_seconds
        await self._request_snapshots()
        await self._start_ready()
        waits = [idle]
        next_start = await campaigns_repo.seconds_to_next_start(self._pool)
        if next_start is not None:
            waits.append(next_start - self._settings.snapshot_lead_seconds)
        for campaign_id, wait in await campaigns_repo.release_candidates(self._pool):
            if wait > 0.002:
                waits.append(wait)
            elif await self._release(campaign_id) > 0:
                waits.append(0.0)
        return max(0.0, min(waits))

    async def _request_snapshots(self) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            launching = await campaigns_repo.claim_snapshot_requests(
                conn, self._settings.snapshot_lead_seconds
            )
            await add_to_outbox(
                conn,
                [
                    OutgoingMessage(
                        INTERNAL_EXCHANGE,
                        RoutingKey.AUDIENCE_SNAPSHOT,
                        AudienceSnapshotRequestedV1(
                            campaign_id=row["id"],
                            tenant_id=row["tenant_id"],
                            connection_id=row["connection_id"],
                            audience=row["audience"],
                            batch_size=self._settings.release_batch,
                        ),
                        message_id=f"snapshot-{row['id']}",
                    )
                    for row in launching
                ],
            )
        if launching:
            self._runtime.outbox.notify()
            log.info("audience snapshots requested", campaign_ids=[str(r["id"]) for r in launching])

    async def _start_ready(self) -> None:
        for campaign_id in await campaigns_repo.ready_to_start(self._pool):
            async with self._pool.acquire() as conn, conn.transaction():
                started_at = await campaigns_repo.mark_running(conn, campaign_id)
                run = await campaigns_repo.lock(conn, campaign_id)
                if started_at is None or run is None:
                    continue
                events = [started_event(run, started_at), *await finish_if_due(conn, run)]
                await add_to_outbox(conn, events)
            self._runtime.outbox.notify()
            log.info(
                "campaign started", campaign_id=str(campaign_id), audience_size=run.audience_size
            )

    async def _release(self, campaign_id: UUID) -> int:
        async with self._pool.acquire() as conn, conn.transaction():
            run = await campaigns_repo.lock_for_release(conn, campaign_id)
            if run is None:
                return 0
            budget = release_budget(
                run, window=self._settings.release_window, batch=self._settings.release_batch
            )
            if budget == 0:
                return 0
            released = await recipients_repo.claim_due(conn, campaign_id, budget)
            if not released:
                return 0
            over_limit: list[Released] = []
            if run.counts_toward_quota:
                granted, limit = await quotas_repo.grant(
                    conn, run.tenant_id, quotas_repo.month_of(run.now), len(released)
                )
                released, over_limit = released[:granted], released[granted:]
                if over_limit:
                    assert limit is not None
                    await self._skip_over_limit(conn, run, over_limit, limit)
            if run.interval_seconds > 0:
                lateness = (released[0].released_at - current_slot(run)).total_seconds()
                self._metrics.release_lateness.observe(max(lateness, 0.0))
            dispatch, compose = (None, []) if not released else build_work(run, released)
            publisher = self._runtime.publisher
            if dispatch is not None:
                await publisher.send_to_queue(
                    dispatch,
                    queue=dispatch_queue(
                        DISPATCHER_OF[run.channel], run.tenant_id, run.connection_id
                    ),
                    message_type=RoutingKey.DISPATCH_SEND,
                    single_active_consumer=True,
                )
            for request in compose:
                await publisher.publish(
                    request, exchange=INTERNAL_EXCHANGE, routing_key=RoutingKey.COMPOSE
                )
            await campaigns_repo.after_release(
                conn,
                campaign_id,
                len(released),
                next_slot_after_release(run, released[0].released_at if released else None),
            )
        self._metrics.released.inc(len(released))
        if over_limit:
            self._runtime.outbox.notify()
        return len(released) + len(over_limit)

    async def _skip_over_limit(
        self, conn: Conn, run: CampaignRun, over_limit: list[Released], limit: int
    ) -> None:
        """Recipients past the tenant's monthly limit: their remaining steps are
        skipped with that reason, never sent."""
        await recipients_repo.close(conn, run.id, [r.recipient_no for r in over_limit])
        skipped = skipped_results(
            run.id,
            [(r.recipient_no, r.step_no) for r in over_limit],
            run.step_count,
            run.now,
            code=MONTHLY_LIMIT_RULE,
            reason=monthly_limit_reason(limit, run.now),
        )
        await campaigns_repo.add_skipped(conn, run.id, len(skipped), len(over_limit))
        events = [
            OutgoingMessage(
                INTERNAL_EXCHANGE,
                RoutingKey.DELIVERY_REPORTED,
                DeliveriesReportedV1(
                    tenant_id=run.tenant_id, connection_id=run.connection_id, results=skipped
                ),
            )
        ]
        updated = await campaigns_repo.lock(conn, run.id)
        assert updated is not None
        events += await finish_if_due(conn, updated)
        await add_to_outbox(conn, events)
        log.info(
            "monthly limit reached: deliveries skipped",
            campaign_id=str(run.id),
            limit=limit,
            skipped=len(skipped),
        )
