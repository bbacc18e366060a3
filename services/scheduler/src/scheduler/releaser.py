"""The release loop: launches campaigns when their start time nears, starts
them once their audience is in, and releases each due delivery exactly when it
may go.

Every step is a short transaction that locks the campaign row with SKIP LOCKED,
so several scheduler replicas share the work and never release one delivery
twice.  A release is recorded once: the recipients marked released, the campaign's
next slot and the jobs for the dispatcher (in the outbox) commit together, and the
outbox relay publishes the jobs after the commit (an interval campaign's at once,
and its next slot counts from the broker's confirm: see `_publish_now`).  A crash
before the commit leaves nothing released; one after it leaves the jobs to the
relay of the next process, which may publish a job twice but never releases a
delivery twice.

A campaign held for a rate's next allowance (a delivery came back `deferred`:
see `handlers`) releases nothing until then, by the injected `clock`; its
deferred deliveries wait with their original due times, so they go first, in
order, and their monthly usage is not taken twice.

A campaign with quiet hours releases nobody whose local time is inside them (a
release that came late): they wait again until their quiet hours end, each zone
worked out once per release, so the release path stays cheap.

An error in one campaign is logged with its id and that campaign is retried
with a backoff; the others go on.  /health answers 503 if the loop has died or
made no progress for `release_loop_stall_seconds`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import TypeVar
from uuid import UUID

from contracts.audience import AudienceSnapshotRequestedV1
from contracts.base import utc_now
from contracts.names import (
    DISPATCHER_OF,
    INTERNAL_EXCHANGE,
    RoutingKey,
    dispatch_queue,
)
from service_kit.backoff import Backoff
from service_kit.logs import get_logger
from service_kit.loops import Loop, wait_until_set
from service_kit.outbox import EncodedMessage, OutgoingMessage, add_to_outbox
from service_kit.retry import TRANSIENT_ERRORS
from service_kit.runtime import ServiceRuntime
from service_kit.topology import quorum_queue

from .domain.jobs import build_work
from .domain.model import CampaignRun, Released
from .domain.outcomes import MONTHLY_LIMIT_RULE, monthly_limit_reason, skipped_results
from .domain.pacing import current_slot, held, next_slot_after_release, release_budget
from .domain.quiet import quiet_at
from .lifecycle import finish_if_due, started_event
from .metrics import SchedulerMetrics
from .repo import Conn, Pool
from .repo import campaigns as campaigns_repo
from .repo import quotas as quotas_repo
from .repo import recipients as recipients_repo
from .reports import report_messages
from .settings import Settings

log = get_logger(__name__)

T = TypeVar("T")

CAMPAIGN_RETRY = Backoff(first=0.5, longest=30.0)
"""When a campaign whose step failed (not transiently) is tried again.  Its own
waits, kept in `Releaser._failing` rather than slept: the loop goes on with the
other campaigns meanwhile."""


@dataclass(frozen=True)
class Release:
    """What one release did, in its transaction."""

    moved: int = 0
    """Deliveries released, skipped (a limit) or put back to wait (quiet hours)."""
    released: list[Released] = field(default_factory=list)
    jobs: list[int] = field(default_factory=list)
    """The outbox rows of the released deliveries' jobs."""


class Releaser:
    def __init__(
        self,
        runtime: ServiceRuntime,
        settings: Settings,
        metrics: SchedulerMetrics,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._runtime = runtime
        self._clock = clock
        self._settings = settings
        self._metrics = metrics
        self._wake = asyncio.Event()
        self._loop = Loop(self._pass, what="release loop")
        self._progress_at = time.monotonic()
        self._failing: dict[UUID | None, tuple[float, int]] = {}
        """campaign (None: the snapshot step) -> (retry at, failures in a row)."""
        self._declared: set[str] = set()
        runtime.add_health_check("release_loop", self.alive)

    @property
    def _pool(self) -> Pool:
        return self._runtime.pool

    def wake(self) -> None:
        """Something changed (new campaign, recipients, outcomes): look again now."""
        self._wake.set()

    def alive(self) -> bool:
        """The loop runs and has made progress lately."""
        running = self._loop.running
        stalled = time.monotonic() - self._progress_at > self._settings.release_loop_stall_seconds
        return running and not stalled

    async def start(self) -> None:
        # A release committed just before a crash may not have been published: it
        # goes now, and the next release of an interval campaign waits a full
        # interval from here, so no gap is ever short.
        async with self._pool.acquire() as conn, conn.transaction():
            leftover = await self._runtime.outbox.publish_now(conn)
        if leftover:
            log.info("events an earlier process committed were published", count=leftover)
        delayed = await campaigns_repo.delay_interval_slots(self._pool)
        if delayed:
            log.info("interval campaigns resume one interval from now", campaigns=delayed)
        self._progress_at = time.monotonic()
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

    async def _pass(self) -> None:
        """One pass and the sleep after it; a failure of the pass is waited out by
        `keep_running` (the same pass again after its backoff), one that is not
        transient counted as a release error."""
        self._wake.clear()
        self._progress_at = time.monotonic()
        try:
            wait = await self.tick()
        except TRANSIENT_ERRORS:
            raise
        except Exception:
            self._metrics.release_errors.inc()
            raise
        self._metrics.release_loop_last_run.set_to_current_time()
        if wait > 0:
            await wait_until_set(self._wake, wait)

    async def tick(self) -> float:
        """One pass; returns how long to sleep before the next (unless woken).

        Releases come first, so a slot is claimed as soon after its time as the loop
        wakes; then campaigns due to start are started, each with a first release of
        `first_release_batch` in the same transaction (so its first message need not
        wait for a whole batch to be claimed and built; the next pass releases full
        batches), and audience snapshots due are requested."""
        waits = [self._settings.max_idle_seconds]
        for candidate in await campaigns_repo.release_candidates(self._pool):
            wait = candidate.wait_seconds
            if candidate.held_until is not None:
                wait = max(wait, (candidate.held_until - self._clock()).total_seconds())
            if wait > 0.002:
                waits.append(wait)
                continue
            campaign_id = candidate.campaign_id
            release = partial(self._release, campaign_id, paced=candidate.paced)
            if await self._guarded(campaign_id, "releasing", release, 0) > 0:
                waits.append(0.0)
        timing = await campaigns_repo.timing(self._pool, self._settings.snapshot_lead_seconds)
        if timing.start_in is not None and timing.start_in <= 0:
            for campaign_id in await campaigns_repo.ready_to_start(self._pool):
                start = partial(self._start, campaign_id)
                if await self._guarded(campaign_id, "starting", start, None) is not None:
                    waits.append(0.0)  # whatever is due next, at once
        elif timing.start_in is not None:
            waits.append(timing.start_in)
        if timing.snapshot_in is not None and timing.snapshot_in <= 0:
            requested = await self._guarded(
                None, "requesting snapshots", self._request_snapshots, 0
            )
            if requested:
                waits.append(0.0)  # more may be due
        elif timing.snapshot_in is not None:
            waits.append(timing.snapshot_in)
        return max(0.0, min(waits))

    async def _guarded(
        self,
        campaign_id: UUID | None,
        doing: str,
        step: Callable[[], Awaitable[T]],
        otherwise: T,
    ) -> T:
        """Run one campaign's step; an error that is not transient is logged with
        the campaign's id and the campaign retried later, with a growing backoff,
        while the loop goes on with the others."""
        failing = self._failing.get(campaign_id)
        if failing is not None and time.monotonic() < failing[0]:
            return otherwise
        try:
            result = await step()
        except TRANSIENT_ERRORS:
            raise
        except Exception:
            failures = 1 if failing is None else failing[1] + 1
            backoff = CAMPAIGN_RETRY.delay(failures)
            self._failing[campaign_id] = (time.monotonic() + backoff, failures)
            self._metrics.release_errors.inc()
            log.exception(
                f"{doing} failed; other campaigns go on",
                campaign_id=str(campaign_id) if campaign_id else None,
                retry_in=backoff,
            )
            return otherwise
        if failing is not None:
            del self._failing[campaign_id]
            log.info(f"{doing} works again", campaign_id=str(campaign_id) if campaign_id else None)
        self._progress_at = time.monotonic()
        return result

    async def _request_snapshots(self) -> int:
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
        return len(launching)

    async def _start(self, campaign_id: UUID) -> int | None:
        """Start a snapshotted campaign whose start time came, and make its first
        release (at most `first_release_batch`) in the same transaction: both commit,
        or neither (the campaign is then started again later).  Answers how many
        deliveries that release moved, or None if the campaign was not (any more)
        waiting to start."""
        first_batch = min(self._settings.first_release_batch, self._settings.release_batch)
        async with self._pool.acquire() as conn, conn.transaction():
            started = await campaigns_repo.mark_running(conn, campaign_id)
            if started is None:
                return None
            started_at, run = started
            finished = await finish_if_due(conn, run)
            await add_to_outbox(conn, [started_event(run, started_at), *finished])
            limit_unknown = (
                run.counts_toward_quota
                and run.monthly_limit is None
                and not await quotas_repo.tenant_known(conn, run.tenant_id)
            )
            first = Release()
            if not finished and run.paused_at is None:  # as `lock_for_release` would see it
                first = await self._release_locked(conn, run, first_batch)
        self._runtime.outbox.notify()
        log.info("campaign started", campaign_id=str(campaign_id), audience_size=run.audience_size)
        if limit_unknown:
            log.warning(
                "the tenant's monthly limit is not known yet: nothing is released until "
                "tenant.updated.v1 comes",
                campaign_id=str(campaign_id),
                tenant_id=run.tenant_id,
            )
        return await self._after_release(run, first)

    async def _release(self, campaign_id: UUID, *, paced: bool) -> int:
        """Release what may go now from one campaign (`paced`: it has an interval),
        at most `release_batch` deliveries; returns how many deliveries were
        released, skipped or put back to wait."""
        async with self._pool.acquire() as conn, conn.transaction():
            run = await campaigns_repo.lock_for_release(conn, campaign_id, paced=paced)
            if run is None:
                return 0
            done = await self._release_locked(conn, run, self._settings.release_batch)
        return await self._after_release(run, done)

    async def _release_locked(self, conn: Conn, run: CampaignRun, batch: int) -> Release:
        """Within the caller's transaction, which holds the running campaign's row:
        release at most `batch` deliveries that may go now."""
        if held(run, self._clock()):
            return Release()
        budget = release_budget(run, window=self._settings.release_window, batch=batch)
        if budget == 0:
            return Release()
        usage = None
        if run.counts_toward_quota:
            usage = await quotas_repo.lock(
                conn, run.tenant_id, quotas_repo.month_of(run.now), run.monthly_limit
            )
            if usage.limit is None:
                return Release()  # held until the tenant's limit is known
        claimed = await recipients_repo.claim_due(conn, run.id, budget)
        released = await self._outside_quiet_hours(conn, run, claimed)
        if not released:
            return Release(moved=len(claimed))  # any put back to wait: look again at once
        over_limit: list[Released] = []
        if usage is not None:
            # a deferred delivery released again took its usage the first time
            fresh = [r for r in released if not r.quota_taken]
            granted = usage.grantable(len(fresh))
            await quotas_repo.take(conn, usage, granted)
            over_limit = fresh[granted:]
            if over_limit:
                refused = {r.recipient_no for r in over_limit}
                released = [r for r in released if r.recipient_no not in refused]
                assert usage.limit is not None
                await self._skip_over_limit(conn, run, over_limit, usage.limit)
        jobs: list[int] = []
        if released:
            jobs = await add_to_outbox(conn, await self._work(run, released))
            await campaigns_repo.after_release(
                conn, run.id, len(released), next_slot_after_release(run, released[0].released_at)
            )
        return Release(len(released) + len(over_limit), released, jobs)

    async def _after_release(self, run: CampaignRun, done: Release) -> int:
        """Once a release committed: its jobs published at once if the campaign is
        paced (else the relay woken), its metrics; returns `done.moved`."""
        if done.released and run.interval_seconds > 0:
            await self._publish_now(run.id, done.jobs)
        elif done.moved:
            self._runtime.outbox.notify()
        if done.released:
            self._metrics.released.inc(len(done.released))
            if run.interval_seconds > 0:
                lateness = (done.released[0].released_at - current_slot(run)).total_seconds()
                self._metrics.release_lateness.observe(max(lateness, 0.0))
        return done.moved

    async def _outside_quiet_hours(
        self, conn: Conn, run: CampaignRun, released: list[Released]
    ) -> list[Released]:
        """Those released whose local time is not inside quiet hours now; the others
        (a release that came late) wait again until their quiet hours end."""
        if run.quiet_hours is None or not released:
            return released
        moved = quiet_at(run, self._clock(), ((r.recipient_no, r.attributes) for r in released))
        if not moved:
            return released
        await recipients_repo.wait_again(conn, run.id, moved)
        self._metrics.quiet_waits.inc(len(moved))
        log.info(
            "recipients inside their quiet hours wait again",
            campaign_id=str(run.id),
            recipients=len(moved),
        )
        return [r for r in released if r.recipient_no not in moved]

    async def _publish_now(self, campaign_id: UUID, jobs: list[int]) -> None:
        """Publish an interval campaign's release as soon as it is committed, and
        count its next slot from the moment the broker confirmed it.  (The release
        was committed with a provisional slot, one interval after it, which holds if
        this process dies here; the relay then publishes the jobs.)"""
        try:
            async with self._pool.acquire() as conn, conn.transaction():
                await self._runtime.outbox.publish_now(conn, jobs)
                await campaigns_repo.slot_after_publish(conn, campaign_id)
        except TRANSIENT_ERRORS:
            self._runtime.outbox.notify()  # the relay's own loop publishes them
            raise

    async def _work(
        self, run: CampaignRun, released: list[Released]
    ) -> list[OutgoingMessage | EncodedMessage]:
        """The jobs of a release, to go out through the outbox: ready messages to the
        connection's queue (declared first, once per process), AI steps to the composer."""
        dispatch, compose = build_work(run, released)
        work: list[OutgoingMessage | EncodedMessage] = []
        if dispatch is not None:
            queue = dispatch_queue(DISPATCHER_OF[run.channel], run.tenant_id, run.connection_id)
            if queue not in self._declared:
                await self._runtime.publisher.declare(
                    quorum_queue(queue, single_active_consumer=True)
                )
                self._declared.add(queue)
            work.append(EncodedMessage("", queue, dispatch, message_type=RoutingKey.DISPATCH_SEND))
        work += [OutgoingMessage(INTERNAL_EXCHANGE, RoutingKey.COMPOSE, c) for c in compose]
        return work

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
        events = report_messages(run, skipped)
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
