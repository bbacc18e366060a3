"""The dead-letter policy and typed handlers, on faststream's in-memory broker:
what reaches `<queue>.dlq` and with which reason, what is answered, what is retried."""

from __future__ import annotations

from typing import Any

import pytest
from contracts.names import DEAD_LETTER_EXCHANGE
from faststream.message import StreamMessage
from faststream.rabbit import (
    ExchangeType,
    RabbitBroker,
    RabbitExchange,
    RabbitQueue,
    TestRabbitBroker,
)
from faststream.rabbit.annotations import RabbitMessage
from prometheus_client import CollectorRegistry
from pydantic import BaseModel, ValidationError
from service_kit.dead_letters import AnswerInvalid, ConsumerMetrics, DeadLetterPolicy
from service_kit.errors import Unprocessable
from service_kit.subscribers import RawBody, consumes, model_of, routers_of

QUEUE = "kit.pings"
KEPT_QUEUE = "kit.kept-pings"


class Ping(BaseModel):
    n: int
    campaign_id: str = ""


class Pings:
    def __init__(self) -> None:
        self.seen: list[int] = []
        self.answered: list[bytes] = []
        self.kept: list[tuple[int, bytes]] = []
        self.failures_left = 0

    @consumes(QUEUE, area="pings")
    async def on_ping(self, ping: Ping) -> Ping:
        if self.failures_left:
            self.failures_left -= 1
            raise ConnectionResetError("the database went away")
        if ping.n < 0:
            raise Unprocessable(f"negative: {ping.n}")
        self.seen.append(ping.n)
        return Ping(n=ping.n * 2)

    @consumes(KEPT_QUEUE, area="pings")
    async def on_kept_ping(self, ping: Ping, body: RawBody) -> None:
        self.kept.append((ping.n, body))

    async def answer(self, body: bytes, error: ValidationError) -> bool:
        if b"answer me" not in body:
            return False
        self.answered.append(body)
        return True


async def undecoded(message: StreamMessage[Any]) -> bytes:
    """A dead-lettered body as it is (not even JSON, for some)."""
    return message.body


class Kit:
    def __init__(self) -> None:
        self.broker = RabbitBroker()
        self.metrics = ConsumerMetrics(CollectorRegistry())
        self.broker.add_middleware(DeadLetterPolicy(self.broker, self.metrics))
        self.pings = Pings()
        answer = AnswerInvalid(self.pings.answer, self.metrics)
        for router in routers_of(self.pings, {"pings": [answer]}):
            self.broker.include_router(router)
        self.dead: list[tuple[bytes, str]] = []

        @self.broker.subscriber(
            RabbitQueue(f"{QUEUE}.dlq", routing_key=QUEUE),
            RabbitExchange(DEAD_LETTER_EXCHANGE, type=ExchangeType.DIRECT),
            decoder=undecoded,
        )
        async def dead_letter(message: RabbitMessage) -> None:
            self.dead.append((message.body, str(message.headers["x-dead-letter-reason"])))

    def counted(self, outcome: str) -> float:
        return self.metrics.messages.labels(QUEUE, outcome)._value.get()


@pytest.fixture
def kit() -> Kit:
    return Kit()


async def send(kit: Kit, body: Any) -> None:
    async with TestRabbitBroker(kit.broker) as broker:
        await broker.publish(body, QUEUE, content_type="application/json")


async def test_a_valid_message_reaches_its_typed_handler(kit: Kit) -> None:
    await send(kit, {"n": 3})
    assert (kit.pings.seen, kit.dead, kit.counted("handled")) == ([3], [], 1)


async def test_a_handler_may_take_the_body_its_model_was_read_from(kit: Kit) -> None:
    body = b'{ "n": 4,\n  "campaign_id": "c" }'
    async with TestRabbitBroker(kit.broker) as broker:
        await broker.publish(body, KEPT_QUEUE, content_type="application/json")
    assert kit.pings.kept == [(4, body)]


def test_a_handler_takes_its_model_and_nothing_but_its_body() -> None:
    async def takes_more(ping: Ping, n: int) -> None: ...

    with pytest.raises(TypeError, match="only its model and its RawBody"):
        model_of(takes_more)


async def test_a_handler_that_returns_a_model_answers_a_request(kit: Kit) -> None:
    async with TestRabbitBroker(kit.broker) as broker:
        reply = await broker.request({"n": 21}, QUEUE)
    assert Ping.model_validate_json(reply.body).n == 42


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (b"not json at all", "invalid Ping: body: Invalid JSON"),
        ({"n": "three"}, "invalid Ping: n: Input should be a valid integer"),
    ],
)
async def test_an_invalid_body_is_dead_lettered_with_the_reason(
    kit: Kit, body: Any, said: str
) -> None:
    await send(kit, body)
    ((dead_body, reason),) = kit.dead
    assert reason.startswith(said)
    assert dead_body == (body if isinstance(body, bytes) else b'{"n":"three"}')
    assert (kit.pings.seen, kit.counted("dead_lettered")) == ([], 1)


async def test_an_invalid_body_its_router_answers_is_not_dead_lettered(kit: Kit) -> None:
    await send(kit, b'{"n": "answer me"}')
    assert (kit.pings.answered, kit.dead) == ([b'{"n": "answer me"}'], [])
    assert kit.counted("answered_invalid") == 1


async def test_unprocessable_is_dead_lettered_at_once(kit: Kit) -> None:
    await send(kit, {"n": -1})
    assert kit.dead == [(b'{"n":-1}', "negative: -1")]


async def test_a_transient_failure_is_retried_in_place(kit: Kit) -> None:
    kit.pings.failures_left = 2
    await send(kit, {"n": 5})
    assert (kit.pings.seen, kit.dead) == ([5], [])
