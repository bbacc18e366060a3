"""The scheduler's handlers: campaigns to run or stop, tenants' limits, the
audience snapshot as it arrives, and the outcomes that move chains on."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from uuid import UUID

from contracts.audience import AudienceSnapshottedV1, RecipientsResolvedV1
from contracts.base import utc_now
from contracts.dispatch import DeliveriesReportedV1, DeliveryResult
from contracts.names import INTERNAL_EXCHANGE as INTERNAL
from contracts.names import Queue, RoutingKey
from contracts.quiet_hours import TIMEZONE_ATTRIBUTE
from contracts.scheduling import (
    CampaignCancelRequestedV1,
    CampaignPauseRequestedV1,
    CampaignResumeRequestedV1,
    CampaignScheduledV1,
)
from contracts.tenants import ConnectionStateV1, TenantUpdatedV1
from service_kit.logs import get_logger
from service_kit.outbox import OutgoingMessage, add_to_outbox
from service_kit.runtime import ServiceRuntime
from service_kit.subscribers import consumes

from .domain.model import Applied, CampaignRun
from .domain.outcomes import cancelled_results, skipped_results, tally
from .domain.pausing import attempts_of, failure_rate
from .domain.quiet import load_due_times, still_quiet
from .lifecycle import cancel, finish_if_due
from .metrics import SchedulerMetrics
from .pauses import PAUSED_CODE, pause, resume
from .releaser import Releaser
from .repo import Conn, Pool
from .repo import campaigns as campaigns_repo
from .repo import recipients as recipients_repo
from .reports import report_messages

log = get_logger(__name__)

DEFERRAL_WITHOUT_TIME = timedelta(hours=1)
"""How long a deferral that does not say until when holds its campaign."""
PAUSED_DEFERRAL_RETRY = timedelta(seconds=2)
"""How long a job a dispatcher held back for a pause waits when the campaign is
not paused here (it was resumed before that dispatcher heard of it)."""

FINAL_EVENTS = {
    RoutingKey.CAMPAIGN_COMPLETED: "completed",
    RoutingKey.CAMPAIGN_CANCELLED: "cancelled",
}


class Handlers:
    def __init__(
        self, runtime: ServiceRuntime, releaser: Releaser, metrics: SchedulerMetrics
    ) -> None:
        self._runtime = runtime
        self._releaser = releaser
        self._metrics = metrics

    @property
    def _pool(self) -> Pool:
        return self._runtime.pool

    def _published(self, events: list[OutgoingMessage]) -> None:
        """After the commit: wake the relay, count the campaigns that ended."""
        if not events:
            return
        for event in events:
            if event.routing_key in FINAL_EVENTS:
                self._metrics.campaigns_finished.labels(FINAL_EVENTS[event.routing_key]).inc()
        self._runtime.outbox.notify()

    @consumes(Queue.SCHEDULER_TENANTS, INTERNAL, RoutingKey.TENANT_UPDATED)
    async def on_tenant_updated(self, event: TenantUpdatedV1) -> None:
        await campaigns_repo.upsert_tenant(self._pool, event)
        self._releaser.wake()  # a campaign may have waited for the tenant's limit

    @consumes(Queue.SCHEDULER_CAMPAIGN_SCHEDULED, INTERNAL, RoutingKey.CAMPAIGN_SCHEDULED)
    async def on_campaign_scheduled(self, event: CampaignScheduledV1) -> None:
        events: list[OutgoingMessage] = []
        async with self._pool.acquire() as conn, conn.transaction():
            if not await campaigns_repo.insert_campaign(conn, event):
                return  # seen before
            cancelled_at = await campaigns_repo.take_early_cancel(conn, event.campaign_id)
            if cancelled_at is not None:
                run = await campaigns_repo.lock(conn, event.campaign_id)
                assert run is not None
                events = await cancel(conn, run, cancelled_at)
                await add_to_outbox(conn, events)
        if cancelled_at is not None:
            log.info("campaign scheduled after its cancel: cancelled at once")
            self._published(events)
            return
        log.info("campaign scheduled", start_at=event.start_at.isoformat())
        self._releaser.wake()

    @consumes(Queue.SCHEDULER_RECIPIENTS, INTERNAL, RoutingKey.RECIPIENTS_RESOLVED)
    async def on_recipients(self, event: RecipientsResolvedV1) -> None:
        events: list[OutgoingMessage] = []
        async with self._pool.acquire() as conn, conn.transaction():
            run = await campaigns_repo.lock(conn, event.campaign_id)
            if run is None or run.status == "completed":
                return
            cancelled = run.status == "cancelled"
            loaded = await recipients_repo.load_batch(
                conn,
                event.campaign_id,
                event.batch_no,
                event.recipients,
                run.start_at,
                store=not cancelled,
                due_times=load_due_times(run, event.recipients, run.start_at),
            )
            if cancelled and loaded:
                # a batch of a campaign cancelled while its snapshot was streaming:
                # none of it will be sent
                rests = [(r.recipient_no, 1) for r in event.recipients]
                results = cancelled_results(run.id, rests, run.step_count, utc_now())
                events = report_messages(run, results)
                updated = await campaigns_repo.lock(conn, run.id)
                assert updated is not None
                events += await finish_if_due(conn, updated)
                await add_to_outbox(conn, events)
        self._published(events)
        self._releaser.wake()

    @consumes(Queue.SCHEDULER_AUDIENCE_SNAPSHOTTED, INTERNAL, RoutingKey.AUDIENCE_SNAPSHOTTED)
    async def on_snapshotted(self, event: AudienceSnapshottedV1) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            await campaigns_repo.set_snapshot_size(
                conn, event.campaign_id, event.audience_size, event.batch_count
            )
            run = await campaigns_repo.lock(conn, event.campaign_id)
            events = await finish_if_due(conn, run) if run is not None else []
            await add_to_outbox(conn, events)
        log.info("audience snapshotted", audience_size=event.audience_size)
        self._published(events)
        self._releaser.wake()

    @consumes(Queue.SCHEDULER_DELIVERIES, INTERNAL, RoutingKey.DELIVERY_REPORTED, prefetch=16)
    async def on_deliveries(self, event: DeliveriesReportedV1) -> None:
        by_campaign: dict[UUID, dict[tuple[int, int], DeliveryResult]] = defaultdict(dict)
        for result in event.results:
            by_campaign[result.campaign_id][(result.recipient_no, result.step_no)] = result
        for campaign_id, results in by_campaign.items():
            await self._apply(campaign_id, list(results.values()))
        self._releaser.wake()

    async def _apply(self, campaign_id: UUID, results: list[DeliveryResult]) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            run = await campaigns_repo.lock(conn, campaign_id)
            if run is None:
                log.warning("outcomes of an unknown campaign ignored", campaign_id=str(campaign_id))
                return
            cancelled = run.status == "cancelled"
            delays = [step.delay_seconds for step in run.steps]
            applied = await recipients_repo.apply_results(
                conn,
                campaign_id,
                results,
                delays,
                chains_go_on=not cancelled,
                step_not_before=[step.not_before for step in run.steps],
            )
            if not applied:
                return
            if not cancelled:
                await self._keep_next_steps_quiet(conn, run, applied)
            await self._hold_for_deferrals(conn, run, results, applied, cancelled)
            counts = tally(applied, run.step_count, cancelled=cancelled)
            await campaigns_repo.add_outcomes(
                conn,
                campaign_id,
                sent=counts.sent,
                failed=counts.failed,
                skipped=counts.skipped,
                cancelled=counts.cancelled,
                unknown=counts.unknown,
                done=counts.done,
                settled=counts.settled,
            )
            now = utc_now()
            unsent = skipped_results(campaign_id, counts.abandoned, run.step_count, now)
            unsent += cancelled_results(campaign_id, counts.withdrawn, run.step_count, now)
            events = report_messages(run, unsent)
            if not cancelled:
                events += await self._pause_for_failures(conn, run, applied)
            updated = await campaigns_repo.lock(conn, campaign_id)
            assert updated is not None
            events += await finish_if_due(conn, updated)
            await add_to_outbox(conn, events)
        for status, count in Counter(item.status for item in applied).items():
            self._metrics.outcomes.labels(status).inc(count)
        for item in applied:
            if item.status == "sent" and item.since_release is not None:
                self._metrics.latency.observe(item.since_release)
        self._published(events)

    async def _keep_next_steps_quiet(
        self, conn: Conn, run: CampaignRun, applied: list[Applied]
    ) -> None:
        """A next step that becomes due inside the recipient's quiet hours waits
        until they end."""
        going_on = [
            (a.recipient_no, {TIMEZONE_ATTRIBUTE: a.timezone}, a.due_at)
            for a in applied
            if a.status == "sent" and not a.done and a.due_at is not None
        ]
        moved = still_quiet(run, going_on)
        if moved:
            await recipients_repo.wait_again(conn, run.id, moved)
            log.info("next steps wait for the end of quiet hours", recipients=len(moved))

    async def _pause_for_failures(
        self, conn: Conn, run: CampaignRun, applied: list[Applied]
    ) -> list[OutgoingMessage]:
        """Count the attempts among the outcomes; pause the campaign once its
        failures pass its threshold (see `domain.pausing`)."""
        marks = attempts_of(applied)
        if run.auto_pause is None or run.paused_at is not None or not marks:
            return []
        recent = await campaigns_repo.add_recent_attempts(conn, run.id, marks)
        figures = failure_rate(recent, run.auto_pause)
        if figures is None or run.status != "running":
            return []
        detail = f"{figures.failed} of its last {figures.attempts} messages failed"
        return await pause(conn, run, "failure_rate", failure_rate=figures, detail=detail)

    async def _hold_for_deferrals(
        self,
        conn: Conn,
        run: CampaignRun,
        results: list[DeliveryResult],
        applied: list[Applied],
        cancelled: bool,
    ) -> None:
        """A delivery a rate deferred (a number's daily allowance is used up): the
        campaign releases nothing more until the allowance renews, since all it
        released meanwhile would be deferred too.  One a dispatcher held back for a
        pause holds nothing while the campaign is paused (its resume releases it at
        once), and briefly if it is not (that dispatcher has not heard of the
        resume yet)."""
        deferred = {(a.recipient_no, a.step_no) for a in applied if a.status == "deferred"}
        if cancelled or not deferred:
            return
        campaign_id = run.id
        held = [r for r in results if (r.recipient_no, r.step_no) in deferred]
        if all(r.error_code == PAUSED_CODE for r in held):
            if run.paused_at is None:
                again_at = max(r.finished_at for r in held) + PAUSED_DEFERRAL_RETRY
                await campaigns_repo.hold(conn, campaign_id, again_at, held[0].error_reason)
            return
        held = [r for r in held if r.error_code != PAUSED_CODE]

        def until(result: DeliveryResult) -> datetime:
            return result.retry_at or result.finished_at + DEFERRAL_WITHOUT_TIME

        last = max(held, key=until)
        await campaigns_repo.hold(conn, campaign_id, until(last), last.error_reason)
        log.info("waiting for the connection's next allowance", until=until(last).isoformat())

    @consumes(Queue.SCHEDULER_CAMPAIGN_CANCEL, INTERNAL, RoutingKey.CAMPAIGN_CANCEL)
    async def on_cancel(self, event: CampaignCancelRequestedV1) -> None:
        events: list[OutgoingMessage] = []
        async with self._pool.acquire() as conn, conn.transaction():
            run = await campaigns_repo.lock_for_cancel(conn, event.campaign_id)
            if run is None:
                # campaign.scheduled.v1 comes on another queue and may be behind
                await campaigns_repo.remember_early_cancel(
                    conn, event.campaign_id, event.tenant_id, event.requested_at
                )
                log.info("cancel of a campaign not scheduled yet: kept until it is")
                return
            if run.status in ("completed", "cancelled"):
                log.info("cancel of a finished campaign ignored", status=run.status)
                return
            events = await cancel(conn, run, event.requested_at)
            await add_to_outbox(conn, events)
        self._published(events)
        self._releaser.wake()

    @consumes(Queue.SCHEDULER_CAMPAIGN_PAUSE, INTERNAL, RoutingKey.CAMPAIGN_PAUSE)
    async def on_pause(self, event: CampaignPauseRequestedV1) -> None:
        """A person paused the campaign: nothing is released after this commits (the
        lock waits for a release under way)."""
        events: list[OutgoingMessage] = []
        async with self._pool.acquire() as conn, conn.transaction():
            run = await campaigns_repo.lock_for_cancel(conn, event.campaign_id)
            if run is None:
                log.warning("pause of an unknown campaign ignored")
                return
            events = await pause(
                conn, run, "requested", at=event.requested_at, requested_by=event.requested_by
            )
            await add_to_outbox(conn, events)
        self._published(events)

    @consumes(Queue.SCHEDULER_CAMPAIGN_RESUME, INTERNAL, RoutingKey.CAMPAIGN_RESUME)
    async def on_resume(self, event: CampaignResumeRequestedV1) -> None:
        """A person resumed the campaign: it goes on where it stopped."""
        events: list[OutgoingMessage] = []
        async with self._pool.acquire() as conn, conn.transaction():
            run = await campaigns_repo.lock(conn, event.campaign_id)
            if run is None:
                log.warning("resume of an unknown campaign ignored")
                return
            events = await resume(conn, run, event.requested_at, event.requested_by)
            await add_to_outbox(conn, events)
        self._published(events)
        self._releaser.wake()

    @consumes(Queue.SCHEDULER_CONNECTION_STATES, INTERNAL, RoutingKey.CONNECTION_STATE)
    async def on_connection_state(self, event: ConnectionStateV1) -> None:
        """The platform restricted (banned, refused) the sending account: its running
        campaigns pause, and wait for a person to resume them."""
        if not event.paused:
            return
        events: list[OutgoingMessage] = []
        async with self._pool.acquire() as conn, conn.transaction():
            ids = await campaigns_repo.running_of_connection(
                conn, event.tenant_id, event.connection_id
            )
            for campaign_id in ids:
                run = await campaigns_repo.lock_for_cancel(conn, campaign_id)
                if run is None:
                    continue
                events += await pause(
                    conn,
                    run,
                    "account_restricted",
                    platform_code=event.code,
                    detail=event.reason,
                )
            await add_to_outbox(conn, events)
        self._published(events)
