"""The composer as a service on the real RabbitMQ and PostgreSQL: a compose
request in, dispatch requests out on the connection's own queue."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aio_pika
import pytest
from ai_composer.app import create_app
from ai_composer.settings import Settings
from contracts.composer import ComposeRequestedV1
from contracts.dispatch import DispatchJob, DispatchRequestedV1, OutboundText
from contracts.names import (
    INTERNAL_EXCHANGE,
    Queue,
    RoutingKey,
    dead_letter_queue,
    dispatch_queue,
)
from faststream.rabbit import RabbitBroker
from platform_sim import RunningSimulators, SimControl
from service_kit.publishing import encode
from service_kit.topology import quorum_queue
from test_support.infrastructure import delete_queues
from test_support.waiting import eventually

from ..conftest import API_KEY, RequestFactory

pytestmark = pytest.mark.integration

Service = Callable[..., Any]


@pytest.fixture
async def broker(rabbitmq_url: str, clean_queues: None) -> AsyncIterator[RabbitBroker]:
    """Another service's side: publishes requests, reads the dispatch queues."""
    client = RabbitBroker(rabbitmq_url)
    await client.connect()
    yield client
    await client.stop()


@pytest.fixture
def service(rabbitmq_url: str, database_url: str) -> Service:
    """`async with service(composer_backend="builtin"): ...` runs the composer."""

    @asynccontextmanager
    async def run(**settings: Any) -> AsyncIterator[None]:
        app = create_app(Settings(rabbitmq_url=rabbitmq_url, database_url=database_url, **settings))
        async with app.router.lifespan_context(app):
            yield

    return run


async def publish(broker: RabbitBroker, body: bytes, message_id: str | None = None) -> None:
    await broker.publish(
        body,
        exchange=INTERNAL_EXCHANGE,
        routing_key=RoutingKey.COMPOSE,
        persist=True,
        content_type="application/json",
        message_id=message_id or uuid.uuid4().hex,
    )


@dataclass
class DispatchQueue:
    """The connection's dispatch queue, consumed as its dispatcher would."""

    tenant_id: str
    jobs: list[DispatchJob] = field(default_factory=list)

    async def consume(self, broker: RabbitBroker) -> None:
        name = dispatch_queue("telegram", self.tenant_id, "tg-main")
        queue = await broker.declare_queue(quorum_queue(name, single_active_consumer=True))

        async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            async with message.process():
                assert message.type == RoutingKey.DISPATCH_SEND
                request = DispatchRequestedV1.model_validate_json(message.body)
                assert (request.tenant_id, request.connection_id) == (self.tenant_id, "tg-main")
                self.jobs.extend(request.jobs)

        await queue.consume(on_message)

    async def wait_for(self, count: int) -> list[DispatchJob]:
        """The jobs received once there are `count`, taken off the list."""

        async def arrived() -> bool:
            return len(self.jobs) >= count

        await eventually(arrived, timeout=20, what=f"{count} dispatch jobs")
        taken, self.jobs = self.jobs[:count], self.jobs[count:]
        return taken


@pytest.fixture
async def dispatch(broker: RabbitBroker, rabbitmq_url: str) -> AsyncIterator[DispatchQueue]:
    """The dispatch queue of a tenant of the test's own, deleted after the test."""
    queue = DispatchQueue(f"t-{uuid.uuid4().hex[:10]}")
    await queue.consume(broker)
    yield queue
    await delete_queues(rabbitmq_url, [dispatch_queue("telegram", queue.tenant_id, "tg-main")])


def texts(jobs: Sequence[DispatchJob]) -> dict[int, str]:
    by_recipient: dict[int, str] = {}
    for job in jobs:
        assert isinstance(job.content, OutboundText)
        by_recipient[job.recipient_no] = job.content.text
    return by_recipient


def request_for(
    compose_request: RequestFactory, dispatch: DispatchQueue, count: int
) -> ComposeRequestedV1:
    return compose_request(count, tenant_id=dispatch.tenant_id)


async def test_texts_reach_the_dispatch_queue_distinct_and_personal(
    service: Service,
    broker: RabbitBroker,
    dispatch: DispatchQueue,
    compose_request: RequestFactory,
) -> None:
    request = request_for(compose_request, dispatch, 25)
    async with service(composer_backend="builtin", composer_chunk_size=10):
        await publish(broker, encode(request))
        jobs = await dispatch.wait_for(25)
        by_recipient = texts(jobs)
        assert sorted(by_recipient) == list(range(1, 26))
        assert len(set(by_recipient.values())) == 25
        for job in jobs:
            assert job.composition == "ai_builtin"
            assert job.recipient.name is not None
            assert job.recipient.name.split()[0] in by_recipient[job.recipient_no]

        await publish(broker, encode(request))
        again = await dispatch.wait_for(25)
        assert texts(again) == by_recipient
        assert {job.composition for job in again} == {"ai_builtin"}


async def test_a_model_writes_the_texts(
    service: Service,
    broker: RabbitBroker,
    dispatch: DispatchQueue,
    compose_request: RequestFactory,
    sims: RunningSimulators,
    model: SimControl,
) -> None:
    request = request_for(compose_request, dispatch, 8)
    settings = {
        "composer_openai_base_url": sims.base_url("openai"),
        "composer_openai_api_key": API_KEY,
        "composer_model": "gpt-test",
    }
    async with service(**settings):
        await publish(broker, encode(request))
        jobs = await dispatch.wait_for(8)
    assert {job.composition for job in jobs} == {"ai"}
    assert len(set(texts(jobs).values())) == 8
    calls = await model.calls("chat.completions")
    assert len(calls) == 8
    assert {call["params"]["model"] for call in calls} == {"gpt-test"}


async def test_bad_input_is_dead_lettered_and_the_next_request_handled(
    rabbitmq_url: str,
    service: Service,
    broker: RabbitBroker,
    dispatch: DispatchQueue,
    compose_request: RequestFactory,
) -> None:
    bad = json.loads(encode(request_for(compose_request, dispatch, 1)))
    bad["jobs"] = []
    async with service(composer_backend="builtin"):
        await publish(broker, json.dumps(bad).encode(), message_id="bad-compose")
        async with await aio_pika.connect(rabbitmq_url) as connection:
            channel = await connection.channel()
            dlq = await channel.get_queue(dead_letter_queue(Queue.COMPOSER_COMPOSE), ensure=False)

            async def dead_lettered() -> aio_pika.abc.AbstractIncomingMessage | None:
                return await dlq.get(no_ack=True, fail=False)

            dead = await eventually(dead_lettered, what="the bad request in the dead-letter queue")
        assert dead.message_id == "bad-compose"
        assert "jobs" in str(dead.headers["x-dead-letter-reason"])
        await publish(broker, encode(request_for(compose_request, dispatch, 2)))
        assert len(await dispatch.wait_for(2)) == 2


async def test_the_backend_in_use_is_logged_at_start(
    service: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    async with service(composer_openai_api_key="sk-only-a-key"):
        pass
    logged = capsys.readouterr().out
    assert "composing with an OpenAI-compatible model" in logged
    assert "https://api.openai.com/v1" in logged
    assert "COMPOSER_OPENAI_API_KEY (OpenAI itself)" in logged
    assert "sk-only-a-key" not in logged
    async with service(composer_backend="builtin"):
        pass
    assert "composing with the built-in writer, which is not an LLM" in capsys.readouterr().out
