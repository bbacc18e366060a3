"""Consumers of the scheduler: campaigns to run or stop, tenants' limits, the
audience snapshot as it arrives, and the outcomes that move chains on."""

from __future__ import annotations

from collections import defaultdict
from uuid import UUID

from contracts.audience import AudienceSnapshottedV1, RecipientsResolvedV1
from contracts.base import utc_now
from contracts.dispatch import DeliveriesReportedV1, DeliveryResult
from contracts.names import INTERNAL_EXCHANGE, RoutingKey
from contracts.scheduling import CampaignCancelRequestedV1, CampaignScheduledV1
from contracts.tenants import TenantUpdatedV1
from service_kit.logs import get_logger
from service_kit.outbox import OutgoingMessage, add_to_outbox
from service_kit.runtime import ServiceRuntime

from .domain.outcomes import skipped_results, tally
from .lifecycle import finish_if_due
from .metrics import SchedulerMetrics
from .releaser import Releaser
from .repo import Pool
from .repo import campaigns as campaigns_repo
from .repo import recipients as recipients_repo

log = get_logger(__name__)


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

    async def on_tenant_updated(self, event: TenantUpdatedV1) -> None:
        await campaigns_repo.upsert_tenant(self._pool, event)

    async def on_campaign_scheduled(self, event: CampaignScheduledV1) -> None:
        if await campaigns_repo.insert_campaign(self._pool, event):
            log.info("campaign scheduled", start_at=event.start_at.isoformat())
        self._releaser.wake()

    async def on_recipients(self, event: RecipientsResolvedV1) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            run = await campaigns_repo.lock(conn, event.campaign_id)
            if run is None or run.status in ("completed", "cancelled"):
                return
            await recipients_repo.load_batch(
                conn, event.campaign_id, event.batch_no, event.recipients, run.start_at
            )
        self._releaser.wake()

    async def on_snapshotted(self, event: AudienceSnapshottedV1) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            await campaigns_repo.set_snapshot_size(
                conn, event.campaign_id, event.audience_size, event.batch_count
            )
        log.info("audience snapshotted", audience_size=event.audience_size)
        self._releaser.wake()

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
            delays = [step.delay_seconds for step in run.steps]
            applied = await recipients_repo.apply_results(conn, campaign_id, results, delays)
            if not applied:
                return
            counts = tally(applied, run.step_count)
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
            events: list[OutgoingMessage] = []
            skipped = skipped_results(campaign_id, counts.abandoned, run.step_count, utc_now())
            if skipped:
                events.append(
                    OutgoingMessage(
                        INTERNAL_EXCHANGE,
                        RoutingKey.DELIVERY_REPORTED,
                        DeliveriesReportedV1(
                            tenant_id=run.tenant_id,
                            connection_id=run.connection_id,
                            results=skipped,
                        ),
                    )
                )
            updated = await campaigns_repo.lock(conn, campaign_id)
            assert updated is not None
            events += await finish_if_due(conn, updated)
            await add_to_outbox(conn, events)
        for item in applied:
            self._metrics.outcomes.labels(item.status).inc()
        if events:
            self._runtime.outbox.notify()

    async def on_cancel(self, event: CampaignCancelRequestedV1) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            if not await campaigns_repo.mark_cancelled(conn, event.campaign_id, event.requested_at):
                log.info("cancel of a finished or unknown campaign ignored")
                return
            await recipients_repo.close_waiting(conn, event.campaign_id)
            run = await campaigns_repo.lock(conn, event.campaign_id)
            assert run is not None
            await add_to_outbox(conn, await finish_if_due(conn, run))
        log.info("campaign cancelled", in_flight=run.outstanding)
        self._runtime.outbox.notify()
        self._releaser.wake()
