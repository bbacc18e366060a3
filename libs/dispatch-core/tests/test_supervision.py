"""A dispatcher on the real broker and database, with a platform client of its own:
work on a connection that fails with a bug is started again (every job sent and
reported once), and a stopping process releases its leases even when its reports
cannot go out."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import aio_pika
import asyncpg
import pytest
from contracts.base import utc_now
from contracts.dispatch import (
    DeliveryResult,
    DispatchJob,
    DispatchRequestedV1,
)
from contracts.names import dispatch_queue
from contracts.tenants import ConnectionUpdatedV1
from dispatch_core.dispatcher import Dispatcher
from dispatch_core.model import ConnectionConfig, Sent
from dispatch_core.service import build_dispatcher_app
from dispatch_core.settings import DispatchSettings
from faststream.rabbit import RabbitBroker
from pydantic import BaseModel
from service_kit.publishing import Publisher
from starlette.applications import Starlette
from test_support import dispatching
from test_support.infrastructure import delete_queues
from test_support.secrets import sealed
from test_support.waiting import eventually

pytestmark = pytest.mark.integration

TENANT = "t1"


class Platform:
    """Accepts every message, and remembers who got one."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def client(self, _: ConnectionConfig) -> Platform:
        return self

    def parts(self, _: DispatchJob) -> int:
        return 1

    async def send(self, job: DispatchJob, external_id: str, part: int = 0) -> Sent:
        self.sent.append(external_id)
        return Sent(platform_message_id=f"m{len(self.sent)}")

    async def close(self) -> None:
        pass


class BuggyOnce:
    """A policy with a bug that shows once: its first check raises."""

    def __init__(self) -> None:
        self.raised = False

    async def check(self, job: DispatchJob, connection: ConnectionConfig, now: datetime) -> None:
        if not self.raised:
            self.raised = True
            raise KeyError("a bug")

    async def sent(self, job: DispatchJob, connection: ConnectionConfig, now: datetime) -> None:
        pass


class BrokenPublisher(Publisher):
    """A publisher that cannot publish (a bug, not a broker restarting)."""

    def __init__(self) -> None:
        super().__init__(RabbitBroker())

    async def publish(self, message: BaseModel, **_: Any) -> None:
        raise RuntimeError("cannot publish")


class Harness:
    """Publishes like the scheduler, reads outcomes like the campaign-api."""

    def __init__(self, channel: aio_pika.abc.AbstractChannel, reports: Any, connection_id: str):
        self.channel = channel
        self.reports = reports
        self.connection_id = connection_id
        self.reported: list[DeliveryResult] = []

    async def connect(self) -> None:
        event = ConnectionUpdatedV1(
            tenant_id=TENANT,
            connection_id=self.connection_id,
            channel="telegram_bot",
            sealed_credentials=sealed({"token": "1:x"}),
            updated_at=utc_now(),
        )
        await dispatching.connection_updated(self.channel, event)

    async def send(self, jobs: list[DispatchJob]) -> None:
        request = DispatchRequestedV1(
            tenant_id=TENANT, connection_id=self.connection_id, channel="telegram_bot", jobs=jobs
        )
        await dispatching.dispatch_requested(self.channel, request)

    async def collect(self, expected: int) -> list[DeliveryResult]:
        async def enough() -> bool:
            self.reported += await dispatching.reported(self.reports)
            return len(self.reported) >= expected

        await eventually(enough, timeout=30, what=f"{expected} outcomes")
        return self.reported


@contextlib.asynccontextmanager
async def harness_for(rabbitmq_url: str) -> AsyncIterator[Harness]:
    """Once the dispatcher has declared the exchanges."""
    connection_id = f"bot-{uuid.uuid4().hex[:8]}"
    connection = await aio_pika.connect(rabbitmq_url)
    channel = await connection.channel()
    reports = await dispatching.reports_queue(channel)
    try:
        yield Harness(channel, reports, connection_id)
    finally:
        await connection.close()
        await delete_queues(rabbitmq_url, [dispatch_queue("telegram", TENANT, connection_id)])


def dispatcher_app(
    rabbitmq_url: str, database_url: str, platform: Platform, *policies: Any
) -> Starlette:
    return build_dispatcher_app(
        name="telegram",
        channels=["telegram_bot"],
        settings=DispatchSettings(
            rabbitmq_url=rabbitmq_url, database_url=database_url, dispatch_lease_seconds=3
        ),
        migrations=None,
        client_factory=platform.client,
        policies=list(policies),
    )


@contextlib.asynccontextmanager
async def running(app: Starlette) -> AsyncIterator[Dispatcher]:
    async with app.router.lifespan_context(app):
        yield app.state.dispatcher


async def sending(dispatcher: Dispatcher) -> bool:
    return any(sender.owning for sender in dispatcher.senders.values())


async def test_work_that_fails_with_a_bug_is_started_again_and_sends_every_job_once(
    rabbitmq_url: str, database_url: str, clean_queues: None
) -> None:
    platform = Platform()
    policy = BuggyOnce()
    app = dispatcher_app(rabbitmq_url, database_url, platform, policy)
    async with running(app) as dispatcher, harness_for(rabbitmq_url) as harness:
        await harness.connect()
        await eventually(lambda: sending(dispatcher), what="sending for the connection")
        campaign = uuid.uuid4()
        jobs = [dispatching.text_job(campaign, n) for n in range(1, 21)]
        await harness.send(jobs)
        reported = await harness.collect(len(jobs))
        assert policy.raised
        assert dispatcher.working()

    assert sorted(platform.sent) == sorted(j.recipient.external_id for j in jobs)
    assert sorted(r.recipient_no for r in reported) == list(range(1, 21))
    assert {r.status for r in reported} == {"sent"}


async def test_a_stopping_process_releases_its_lease_though_its_reports_cannot_go(
    rabbitmq_url: str, database_url: str, clean_queues: None
) -> None:
    platform = Platform()
    app = dispatcher_app(rabbitmq_url, database_url, platform)
    async with running(app) as dispatcher, harness_for(rabbitmq_url) as harness:
        await harness.connect()
        await eventually(lambda: sending(dispatcher), what="sending for the connection")
        for sender in dispatcher.senders.values():
            sender._reporter._publisher = BrokenPublisher()  # the fault
        await harness.send([dispatching.text_job(uuid.uuid4(), n) for n in range(1, 6)])
        await eventually(lambda: _sent(platform, 5), what="the jobs sent")

        connection_id = harness.connection_id

    db = await asyncpg.connect(database_url)
    try:
        holder = await db.fetchval(
            "SELECT holder FROM dispatcher_telegram.connection_leases WHERE connection_id = $1",
            connection_id,
        )
    finally:
        await db.close()
    assert holder is None  # released: a successor takes over at once


async def _sent(platform: Platform, count: int) -> bool:
    return len(platform.sent) >= count


async def test_a_connection_whose_change_commits_after_a_later_one_is_still_served(
    rabbitmq_url: str, database_url: str, clean_queues: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Connection events are consumed concurrently and may be redelivered late: a
    change stamped before one already read (here ten minutes before) is served
    when it is written, and one read again unchanged is not served twice."""
    app = dispatcher_app(rabbitmq_url, database_url, Platform())
    later, earlier = (f"bot-{uuid.uuid4().hex[:8]}" for _ in range(2))
    stamped = utc_now()

    def change(connection_id: str, updated_at: datetime) -> ConnectionUpdatedV1:
        return ConnectionUpdatedV1(
            tenant_id=TENANT,
            connection_id=connection_id,
            channel="telegram_bot",
            sealed_credentials=sealed({"token": "1:x"}),
            updated_at=updated_at,
        )

    try:
        async with running(app) as dispatcher:
            await dispatcher.on_connection_updated(change(later, stamped))
            await dispatcher.on_connection_updated(change(earlier, stamped - timedelta(minutes=10)))
            assert {(TENANT, later), (TENANT, earlier)} <= set(dispatcher.senders)
            served_again: list[ConnectionConfig] = []

            async def serve(config: ConnectionConfig) -> None:
                served_again.append(config)

            monkeypatch.setattr(dispatcher, "_serve", serve)
            await dispatcher.refresh()
            assert served_again == []
    finally:
        await delete_queues(
            rabbitmq_url,
            [dispatch_queue("telegram", TENANT, c) for c in (later, earlier)],
        )
