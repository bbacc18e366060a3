"""The scheduler on the real broker and database, with the test playing the
audience-resolver (answering snapshot requests) and the dispatcher (receiving
jobs, reporting outcomes)."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import aio_pika
import pytest
from contracts.audience import (
    AudienceSnapshotRequestedV1,
    AudienceSnapshottedV1,
    Recipient,
    RecipientsResolvedV1,
)
from contracts.base import utc_now
from contracts.content import TextContent
from contracts.dispatch import (
    DeliveriesReportedV1,
    DeliveryResult,
    DispatchJob,
    DispatchRequestedV1,
)
from contracts.names import CAMPAIGNS_EXCHANGE, INTERNAL_EXCHANGE, RoutingKey, dispatch_queue
from contracts.quiet_hours import QuietHours
from contracts.scheduling import (
    AutoPauseThreshold,
    CampaignCancelRequestedV1,
    CampaignPauseRequestedV1,
    CampaignResumeRequestedV1,
    CampaignScheduledV1,
    CampaignStep,
)
from contracts.tenants import ConnectionStateV1, TenantUpdatedV1
from pydantic import BaseModel
from scheduler.app import create_app
from scheduler.settings import Settings
from service_kit.publishing import encode
from service_kit.topology import quorum_queue
from starlette.applications import Starlette
from test_support.clock import DayClock
from test_support.waiting import eventually

TENANT = "sched-t"
CONNECTION = "bot"
SLOT_TOLERANCE = 0.002
"""A slot may be claimed this early (scheduler.domain.pacing.SLOT_TOLERANCE)."""


@dataclass
class Released:
    job: DispatchJob
    at: float


@dataclass
class Platform:
    """What the test's fake dispatcher saw and the outcomes it reported."""

    released: list[Released] = field(default_factory=list)
    lifecycle: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    reported: list[DeliveryResult] = field(default_factory=list)


class Harness:
    def __init__(self, channel: aio_pika.abc.AbstractChannel) -> None:
        self.channel = channel
        self.platform = Platform()
        self.audiences: dict[uuid.UUID, list[Recipient]] = {}
        self.outcome_for: dict[str, str] = {}
        self.send_delay = 0.0
        self.auto_report = True
        self.hold_snapshots = False
        """Keep snapshot requests in `snapshot_requests` until `answer_snapshot`."""
        self.snapshot_requests: list[AudienceSnapshotRequestedV1] = []
        self.start_at: dict[uuid.UUID, datetime] = {}
        self.clock: Callable[[], datetime] = utc_now
        """The scheduler's clock (a test may move it a day ahead)."""
        self.daily_cap: int | None = None
        """Play a WhatsApp number: past this many a day (by `clock`), jobs are deferred
        to the next UTC midnight."""
        self.sent_on: dict[date, int] = {}
        self.paused: set[uuid.UUID] = set()
        """Play a dispatcher that heard of these pauses: their jobs come back deferred."""

    async def publish(
        self, message: BaseModel, routing_key: str, exchange: str = INTERNAL_EXCHANGE
    ) -> None:
        target = await self.channel.get_exchange(exchange)
        await target.publish(
            aio_pika.Message(encode(message), delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
            routing_key,
        )

    async def start(self) -> None:
        snapshots = await self.channel.declare_queue("", exclusive=True)
        await snapshots.bind(INTERNAL_EXCHANGE, RoutingKey.AUDIENCE_SNAPSHOT)
        await snapshots.consume(self._on_snapshot)
        events = await self.channel.declare_queue("", exclusive=True)
        for key in (
            RoutingKey.CAMPAIGN_STARTED,
            RoutingKey.CAMPAIGN_COMPLETED,
            RoutingKey.CAMPAIGN_CANCELLED,
            RoutingKey.CAMPAIGN_PAUSED,
            RoutingKey.CAMPAIGN_RESUMED,
        ):
            await events.bind(CAMPAIGNS_EXCHANGE, key)
        await events.consume(self._on_lifecycle)
        reports = await self.channel.declare_queue("", exclusive=True)
        await reports.bind(INTERNAL_EXCHANGE, RoutingKey.DELIVERY_REPORTED)
        await reports.consume(self._on_report)
        name = dispatch_queue("telegram", TENANT, CONNECTION)
        jobs = await self.channel.declare_queue(
            name, durable=True, arguments=quorum_queue(name, single_active_consumer=True).arguments
        )
        await jobs.purge()
        await jobs.consume(self._on_jobs)

    async def _on_snapshot(self, message: aio_pika.abc.AbstractIncomingMessage) -> None:
        async with message.process():
            request = AudienceSnapshotRequestedV1.model_validate_json(message.body)
            self.snapshot_requests.append(request)
            if not self.hold_snapshots:
                await self.answer_snapshot(request)

    async def answer_snapshot(self, request: AudienceSnapshotRequestedV1) -> None:
        """Stream the campaign's recipients in batches, then say the snapshot is done."""
        recipients = self.audiences[request.campaign_id]
        batches = [
            recipients[i : i + request.batch_size]
            for i in range(0, len(recipients), request.batch_size)
        ]
        for number, batch in enumerate(batches, start=1):
            await self.publish(
                RecipientsResolvedV1(
                    campaign_id=request.campaign_id,
                    tenant_id=TENANT,
                    batch_no=number,
                    recipients=batch,
                ),
                RoutingKey.RECIPIENTS_RESOLVED,
            )
        await self.publish(
            AudienceSnapshottedV1(
                campaign_id=request.campaign_id,
                tenant_id=TENANT,
                audience_size=len(recipients),
                batch_count=len(batches),
                snapshotted_at=utc_now(),
            ),
            RoutingKey.AUDIENCE_SNAPSHOTTED,
        )

    async def _on_lifecycle(self, message: aio_pika.abc.AbstractIncomingMessage) -> None:
        async with message.process():
            self.platform.lifecycle.append((message.routing_key or "", json.loads(message.body)))

    async def _on_report(self, message: aio_pika.abc.AbstractIncomingMessage) -> None:
        async with message.process():
            self.platform.reported += DeliveriesReportedV1.model_validate_json(message.body).results

    async def _on_jobs(self, message: aio_pika.abc.AbstractIncomingMessage) -> None:
        async with message.process():
            request = DispatchRequestedV1.model_validate_json(message.body)
            now = time.monotonic()
            self.platform.released += [Released(job, now) for job in request.jobs]
            if self.auto_report:
                asyncio.get_running_loop().create_task(self.report(request.jobs))

    async def report(self, jobs: Sequence[DispatchJob], status: str | None = None) -> None:
        await asyncio.sleep(self.send_delay)
        now = utc_now()
        results = []
        for job in jobs:
            outcome = status or self.outcome_for.get(job.recipient.external_id, "sent")
            if job.campaign_id in self.paused:
                results.append(self._held_back(job))
                continue
            if outcome == "sent" and self._over_daily_cap():
                results.append(self._deferred(job))
                continue
            results.append(
                DeliveryResult(
                    campaign_id=job.campaign_id,
                    recipient_no=job.recipient_no,
                    step_no=job.step_no,
                    status=outcome,  # type: ignore[arg-type]
                    attempts=1,
                    platform_message_id="m" if outcome == "sent" else None,
                    error_code=None if outcome == "sent" else "403",
                    sent_at=now if outcome == "sent" else None,
                    finished_at=now,
                )
            )
        await self.publish(
            DeliveriesReportedV1(tenant_id=TENANT, connection_id=CONNECTION, results=results),
            RoutingKey.DELIVERY_REPORTED,
        )

    def _over_daily_cap(self) -> bool:
        today = self.clock().date()
        if self.daily_cap is not None and self.sent_on.get(today, 0) >= self.daily_cap:
            return True
        self.sent_on[today] = self.sent_on.get(today, 0) + 1
        return False

    def _deferred(self, job: DispatchJob) -> DeliveryResult:
        tomorrow = datetime.combine(
            self.clock().date() + timedelta(days=1), datetime.min.time(), tzinfo=UTC
        )
        return DeliveryResult(
            campaign_id=job.campaign_id,
            recipient_no=job.recipient_no,
            step_no=job.step_no,
            status="deferred",
            error_code="policy.daily_cap",
            error_reason=f"at most {self.daily_cap} recipients per number per UTC day",
            finished_at=self.clock(),
            retry_at=tomorrow,
        )

    def _held_back(self, job: DispatchJob) -> DeliveryResult:
        return DeliveryResult(
            campaign_id=job.campaign_id,
            recipient_no=job.recipient_no,
            step_no=job.step_no,
            status="deferred",
            error_code="campaign.paused",
            error_reason="the campaign is paused",
            finished_at=utc_now(),
        )

    async def tenant(self, monthly_limit: int) -> None:
        await self.publish(
            TenantUpdatedV1(
                tenant_id=TENANT,
                plan="paid",
                monthly_limit=monthly_limit,
                subscription_ends_at=None,
                updated_at=utc_now(),
            ),
            RoutingKey.TENANT_UPDATED,
        )

    async def campaign(
        self,
        recipients: int,
        *,
        interval: float = 0,
        steps: Sequence[CampaignStep] | None = None,
        start_in: float = 0,
        counts_toward_quota: bool = True,
        monthly_limit: int | None = 1_000_000,
        campaign_id: uuid.UUID | None = None,
        quiet_hours: QuietHours | None = None,
        timezone: str = "UTC",
        attributes: Sequence[dict[str, Any]] = (),
        auto_pause: AutoPauseThreshold | None = None,
    ) -> uuid.UUID:
        """`attributes`: the first recipients' attributes, in order."""
        campaign_id = campaign_id or uuid.uuid4()
        self.start_at[campaign_id] = utc_now() + timedelta(seconds=start_in)
        self.audiences[campaign_id] = [
            Recipient(
                recipient_no=n,
                contact_id=f"{CONNECTION}:{n}",
                external_id=str(n),
                name=f"P{n}",
                attributes=attributes[n - 1] if n <= len(attributes) else {},
            )
            for n in range(1, recipients + 1)
        ]
        await self.publish(
            CampaignScheduledV1(
                campaign_id=campaign_id,
                tenant_id=TENANT,
                connection_id=CONNECTION,
                channel="telegram_bot",
                name="test",
                audience={"kind": "all"},  # type: ignore[arg-type]
                steps=list(
                    steps or [CampaignStep(step_no=1, content=TextContent(text="hi {name}"))]
                ),
                interval_seconds=interval,
                start_at=self.start_at[campaign_id],
                counts_toward_quota=counts_toward_quota,
                monthly_limit=monthly_limit,
                auto_pause=auto_pause,
                created_at=utc_now(),
                quiet_hours=quiet_hours,
                timezone=timezone,
            ),
            RoutingKey.CAMPAIGN_SCHEDULED,
        )
        return campaign_id

    async def cancel(self, campaign_id: uuid.UUID) -> None:
        await self.publish(
            CampaignCancelRequestedV1(
                campaign_id=campaign_id, tenant_id=TENANT, requested_at=utc_now()
            ),
            RoutingKey.CAMPAIGN_CANCEL,
        )

    async def pause(self, campaign_id: uuid.UUID, at: datetime | None = None) -> None:
        await self.publish(
            CampaignPauseRequestedV1(
                campaign_id=campaign_id,
                tenant_id=TENANT,
                requested_at=at or utc_now(),
                requested_by="ann",
            ),
            RoutingKey.CAMPAIGN_PAUSE,
        )

    async def resume(self, campaign_id: uuid.UUID) -> None:
        await self.publish(
            CampaignResumeRequestedV1(
                campaign_id=campaign_id,
                tenant_id=TENANT,
                requested_at=utc_now(),
                requested_by="ann",
            ),
            RoutingKey.CAMPAIGN_RESUME,
        )

    async def restricted(self, code: str) -> None:
        """The dispatcher paused the connection: the platform restricted it."""
        await self.publish(
            ConnectionStateV1(
                tenant_id=TENANT,
                connection_id=CONNECTION,
                paused=True,
                paused_until=utc_now() + timedelta(days=1),
                code=code,
                reason="Telegram limited this account for spam",
                changed_at=utc_now(),
            ),
            RoutingKey.CONNECTION_STATE,
        )

    async def publish_nothing_for(self, seconds: float) -> None:
        """Let the scheduler run for `seconds` (to see that it does nothing)."""
        await asyncio.sleep(seconds)

    def events_of(self, campaign_id: uuid.UUID, routing_key: str) -> list[dict[str, Any]]:
        return [
            body
            for key, body in self.platform.lifecycle
            if key == routing_key and body["campaign_id"] == str(campaign_id)
        ]

    def released_of(self, campaign_id: uuid.UUID) -> list[Released]:
        return [r for r in self.platform.released if r.job.campaign_id == campaign_id]

    async def final_event(
        self, campaign_id: uuid.UUID, kind: str, timeout: float = 30
    ) -> dict[str, Any]:
        key = {
            "completed": RoutingKey.CAMPAIGN_COMPLETED,
            "cancelled": RoutingKey.CAMPAIGN_CANCELLED,
        }[kind]

        async def found() -> dict[str, Any] | None:
            for routing_key, body in self.platform.lifecycle:
                if routing_key == key and body["campaign_id"] == str(campaign_id):
                    return body
            return None

        return await eventually(found, timeout=timeout, what=f"campaign.{kind}.v1")


def scheduler_settings(rabbitmq_url: str, database_url: str) -> Settings:
    return Settings(
        rabbitmq_url=rabbitmq_url,
        database_url=database_url,
        snapshot_lead_seconds=0.5,
        # long: what must happen at once is woken for, not found by polling
        max_idle_seconds=2.0,
    )


@pytest.fixture
def clock() -> DayClock:
    """The scheduler's clock: the real time until a test moves it a day ahead."""
    return DayClock(utc_now())


@pytest.fixture
async def scheduler(
    rabbitmq_url: str, database_url: str, clean_queues: None, clock: DayClock
) -> AsyncIterator[Starlette]:
    app = create_app(scheduler_settings(rabbitmq_url, database_url), clock=clock)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def harness(
    scheduler: Starlette, rabbitmq_url: str, clock: DayClock
) -> AsyncIterator[Harness]:
    connection = await aio_pika.connect(rabbitmq_url)
    channel = await connection.channel()
    harness = Harness(channel)
    harness.clock = clock
    await harness.start()
    yield harness
    await connection.close()
