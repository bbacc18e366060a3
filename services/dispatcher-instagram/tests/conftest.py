"""dispatcher-instagram in-process on the real broker and database, sending to the
Instagram simulator.  The harness publishes like the scheduler (jobs), the
campaign-api (connections) and the chatbot platform (inbound messages), and
reads outcomes like the campaign-api.  Every test has an account of its own."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import aio_pika
import pytest
from contracts.audience import MessageInboundV1, Recipient
from contracts.base import utc_now
from contracts.dispatch import (
    DeliveriesReportedV1,
    DeliveryResult,
    DispatchJob,
    DispatchRequestedV1,
    OutboundContent,
    OutboundText,
)
from contracts.names import DIALOGS_EXCHANGE, INTERNAL_EXCHANGE, RoutingKey, dispatch_queue
from contracts.tenants import ConnectionLimits, ConnectionUpdatedV1
from dispatcher_instagram.app import create_app
from dispatcher_instagram.settings import Settings
from platform_sim import RunningSimulators, SimControl, start_simulators
from service_kit.publishing import encode
from service_kit.topology import quorum_queue
from starlette.applications import Starlette
from test_support.infrastructure import delete_queues
from test_support.secrets import sealed
from test_support.waiting import eventually

TENANT = "t1"
TOKEN = "IGQV-dispatcher-test"
RATE_LIMIT_FIRST_WAIT = 0.1

Results = dict[tuple[uuid.UUID, int, int], list[DeliveryResult]]


def igsid(n: int) -> str:
    return str(17841400000000000 + n)


def job(
    campaign: uuid.UUID,
    n: int,
    content: OutboundContent | None = None,
    *,
    step: int = 1,
    wrote_hours_ago: float | None = 1,
) -> DispatchJob:
    last_inbound = None if wrote_hours_ago is None else utc_now() - timedelta(hours=wrote_hours_ago)
    return DispatchJob(
        campaign_id=campaign,
        recipient_no=n,
        step_no=step,
        recipient=Recipient(
            recipient_no=n,
            contact_id=f"ig:{igsid(n)}",
            external_id=igsid(n),
            last_inbound_at=last_inbound,
        ),
        content=content or OutboundText(text=f"hello {n}"),
        released_at=utc_now(),
    )


@pytest.fixture
async def sims() -> AsyncIterator[RunningSimulators]:
    async with await start_simulators(
        telegram=None, whatsapp=None, instagram=0, openai=None
    ) as running:
        yield running


@pytest.fixture
async def instagram(sims: RunningSimulators) -> AsyncIterator[SimControl]:
    async with sims.control("instagram") as control:
        yield control


@pytest.fixture
async def connection_id(rabbitmq_url: str) -> AsyncIterator[str]:
    """The test's own connection; its queue goes once the dispatcher has stopped."""
    connection_id = f"ig-{uuid.uuid4().hex[:8]}"
    yield connection_id
    await delete_queues(rabbitmq_url, [dispatch_queue("instagram", TENANT, connection_id)])


@pytest.fixture
def settings(
    sims: RunningSimulators, rabbitmq_url: str, database_url: str, connection_id: str
) -> Settings:
    return Settings(
        rabbitmq_url=rabbitmq_url,
        database_url=database_url,
        instagram_api_base=sims.base_url("instagram"),
        instagram_request_timeout_seconds=5,
        instagram_rate_limit_first_wait_seconds=RATE_LIMIT_FIRST_WAIT,
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
    def __init__(
        self,
        channel: aio_pika.abc.AbstractChannel,
        reports: aio_pika.abc.AbstractQueue,
        connection_id: str,
    ) -> None:
        self.dispatcher: Starlette | None = None
        """The dispatcher under test (a restart puts another one here)."""
        self.channel = channel
        self.reports = reports
        self.results: Results = {}
        self.connection_id = connection_id
        self.ig_id = str(uuid.uuid4().int)[:17]

    @property
    def app(self) -> Starlette:
        assert self.dispatcher is not None, "no dispatcher is running"
        return self.dispatcher

    async def publish(self, routing_key: str, body: bytes, exchange: str) -> None:
        target = (
            await self.channel.get_exchange(exchange) if exchange else self.channel.default_exchange
        )
        await target.publish(
            aio_pika.Message(body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT), routing_key
        )

    async def connect(self, **limits: Any) -> None:
        """The test's account; served once this returns."""
        event = ConnectionUpdatedV1(
            tenant_id=TENANT,
            connection_id=self.connection_id,
            channel="instagram",
            sealed_credentials=sealed({"ig_id": self.ig_id, "access_token": TOKEN}),
            limits=ConnectionLimits.model_validate(limits),
            updated_at=utc_now(),
        )
        await self.publish(RoutingKey.CONNECTION_UPDATED, encode(event), INTERNAL_EXCHANGE)
        queue = dispatch_queue("instagram", TENANT, self.connection_id)
        await self.channel.declare_queue(
            queue,
            durable=True,
            arguments=quorum_queue(queue, single_active_consumer=True).arguments,
        )

        async def served() -> bool:
            return (TENANT, self.connection_id) in self.app.state.dispatcher.senders

        await eventually(served, what="the connection to be served")

    async def send(self, jobs: list[DispatchJob]) -> None:
        request = DispatchRequestedV1(
            tenant_id=TENANT, connection_id=self.connection_id, channel="instagram", jobs=jobs
        )
        queue = dispatch_queue("instagram", TENANT, self.connection_id)
        await self.publish(queue, encode(request), "")

    async def person_wrote(self, n: int, text: str, at: datetime) -> None:
        """The chatbot platform saw a message from person `n`; returns once it is recorded."""
        event = MessageInboundV1(
            tenant_id=TENANT,
            connection_id=self.connection_id,
            external_id=igsid(n),
            text=text,
            received_at=at,
            channel="instagram",
        )
        await self.publish(RoutingKey.MESSAGE_INBOUND, encode(event), DIALOGS_EXCHANGE)
        config = self.app.state.dispatcher.senders[(TENANT, self.connection_id)].config

        async def recorded() -> bool:
            contact = await self.app.state.inbound.contact(config, igsid(n))
            return contact is not None and contact.last_inbound_at >= at

        await eventually(recorded, what="the inbound message to be recorded")

    async def collect(self, expected: int, timeout: float = 20) -> dict[int, DeliveryResult]:
        """The latest outcome of each delivery, by recipient number (step 1) once
        `expected` deliveries have one."""

        async def enough() -> bool:
            while (message := await self.reports.get(fail=False)) is not None:
                await message.ack()
                for result in DeliveriesReportedV1.model_validate_json(message.body).results:
                    key = (result.campaign_id, result.recipient_no, result.step_no)
                    self.results.setdefault(key, []).append(result)
            return len(self.results) >= expected

        await eventually(enough, timeout=timeout, what=f"{expected} outcomes")
        return {key[1]: found[-1] for key, found in self.results.items() if key[2] == 1}

    def latest(self, n: int, *, step: int) -> DeliveryResult:
        (found,) = [found for key, found in self.results.items() if key[1:] == (n, step)]
        return found[-1]


@contextlib.asynccontextmanager
async def harness_for(rabbitmq_url: str, connection_id: str) -> AsyncIterator[Harness]:
    connection = await aio_pika.connect(rabbitmq_url)
    try:
        channel = await connection.channel()
        reports = await channel.declare_queue("", exclusive=True)
        await reports.bind(INTERNAL_EXCHANGE, RoutingKey.DELIVERY_REPORTED)
        yield Harness(channel, reports, connection_id)
    finally:
        await connection.close()


@pytest.fixture
async def harness(
    dispatcher: Starlette, rabbitmq_url: str, connection_id: str
) -> AsyncIterator[Harness]:
    async with harness_for(rabbitmq_url, connection_id) as running_harness:
        running_harness.dispatcher = dispatcher
        yield running_harness


@pytest.fixture
def people_wrote_lately(
    instagram: SimControl,
) -> Callable[[list[int]], Awaitable[None]]:
    """The simulator's side of the window: these people wrote an hour ago."""

    async def wrote(numbers: list[int]) -> None:
        await instagram.set_recipients([igsid(n) for n in numbers], "ok", time.time() - 3600)

    return wrote
