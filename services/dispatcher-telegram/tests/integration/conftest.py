"""What the dispatcher-telegram integration tests share: the Telegram simulator,
the dispatcher in-process on the real broker and database (restartable), and a
harness that publishes like the scheduler and reads outcomes like the
campaign-api."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import datetime

import aio_pika
import pytest
from contracts.audience import Recipient
from contracts.base import utc_now
from contracts.dispatch import (
    DeliveriesReportedV1,
    DeliveryResult,
    DispatchJob,
    DispatchRequestedV1,
    OutboundText,
)
from contracts.names import INTERNAL_EXCHANGE, RoutingKey, dispatch_queue
from contracts.tenants import ConnectionLimits, ConnectionUpdatedV1
from dispatcher_telegram.app import create_app
from dispatcher_telegram.settings import Settings
from platform_sim.client import RunningSimulators, start_simulators
from service_kit.publishing import encode
from service_kit.topology import quorum_queue
from starlette.applications import Starlette
from test_support.secrets import sealed
from test_support.waiting import eventually

TOKEN = "555000111:AAdispatcher-test-token-00000000000"


@pytest.fixture
async def sims() -> AsyncIterator[RunningSimulators]:
    async with await start_simulators(
        telegram=0, whatsapp=None, instagram=None, openai=None
    ) as running:
        yield running


@pytest.fixture
def settings(sims: RunningSimulators, rabbitmq_url: str, database_url: str) -> Settings:
    return Settings(
        rabbitmq_url=rabbitmq_url,
        database_url=database_url,
        telegram_api_base=sims.base_url("telegram"),
        telegram_request_timeout_seconds=5,
    )


@contextlib.asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[Starlette]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def dispatcher(settings: Settings, clean_queues: None) -> AsyncIterator[Starlette]:
    async with running(settings) as app:
        yield app


class Harness:
    """Publishes like the scheduler, reads outcomes like the campaign-api."""

    def __init__(
        self, channel: aio_pika.abc.AbstractChannel, reports: aio_pika.abc.AbstractQueue
    ) -> None:
        self.channel = channel
        self.reports = reports
        self.results: dict[tuple[uuid.UUID, int, int], list[DeliveryResult]] = {}

    async def publish(
        self, routing_key: str, body: bytes, exchange: str = INTERNAL_EXCHANGE
    ) -> None:
        target = (
            await self.channel.get_exchange(exchange) if exchange else self.channel.default_exchange
        )
        await target.publish(
            aio_pika.Message(body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT), routing_key
        )

    async def connect(
        self, connection_id: str, event: ConnectionUpdatedV1 | None = None, **limits: object
    ) -> None:
        """Publish the connection as the campaign-api does (or `event`), and declare
        its queue."""
        event = event or ConnectionUpdatedV1(
            tenant_id="t1",
            connection_id=connection_id,
            channel="telegram_bot",
            sealed_credentials=sealed({"token": TOKEN}),
            limits=ConnectionLimits.model_validate(limits),
            updated_at=utc_now(),
        )
        await self.publish(RoutingKey.CONNECTION_UPDATED, encode(event))
        queue = dispatch_queue("telegram", "t1", connection_id)
        await self.channel.declare_queue(
            queue,
            durable=True,
            arguments=quorum_queue(queue, single_active_consumer=True).arguments,
        )

    async def send(self, connection_id: str, jobs: list[DispatchJob]) -> None:
        request = DispatchRequestedV1(
            tenant_id="t1", connection_id=connection_id, channel="telegram_bot", jobs=jobs
        )
        await self.publish(
            dispatch_queue("telegram", "t1", connection_id), encode(request), exchange=""
        )

    async def collect(
        self, expected: int, timeout: float = 30
    ) -> dict[tuple[uuid.UUID, int, int], list[DeliveryResult]]:
        async def enough() -> bool:
            while (message := await self.reports.get(fail=False)) is not None:
                await message.ack()
                for result in DeliveriesReportedV1.model_validate_json(message.body).results:
                    key = (result.campaign_id, result.recipient_no, result.step_no)
                    self.results.setdefault(key, []).append(result)
            return len(self.results) >= expected

        await eventually(enough, timeout=timeout, what=f"{expected} outcomes")
        return self.results


@contextlib.asynccontextmanager
async def harness_for(rabbitmq_url: str) -> AsyncIterator[Harness]:
    connection = await aio_pika.connect(rabbitmq_url)
    try:
        channel = await connection.channel()
        reports = await channel.declare_queue("", exclusive=True)
        await reports.bind(INTERNAL_EXCHANGE, RoutingKey.DELIVERY_REPORTED)
        yield Harness(channel, reports)
    finally:
        await connection.close()


@pytest.fixture
async def harness(dispatcher: Starlette, rabbitmq_url: str) -> AsyncIterator[Harness]:
    async with harness_for(rabbitmq_url) as running_harness:
        yield running_harness


def job(
    campaign: uuid.UUID, n: int, *, text: str | None = None, last_inbound: datetime | None = None
) -> DispatchJob:
    return DispatchJob(
        campaign_id=campaign,
        recipient_no=n,
        step_no=1,
        recipient=Recipient(
            recipient_no=n,
            contact_id=f"c:{n}",
            external_id=str(1000 + n),
            last_inbound_at=last_inbound,
        ),
        content=OutboundText(text=text or f"hello {n}"),
        released_at=utc_now(),
    )
