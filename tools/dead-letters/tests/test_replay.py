"""`dead-letters` against a real broker: messages dead-lettered by a real consumer
(by its policy, and by RabbitMQ after the delivery limit) are shown, replayed
once their cause is fixed and handled once; a dry run moves nothing; what has no
origin, or whose origin is gone, stays where it is."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aio_pika
import pytest
from aio_pika.abc import AbstractChannel
from contracts.names import INTERNAL_EXCHANGE
from dead_letter_tool.cli import LEFT, OK, USAGE, main
from dead_letter_tool.replay import DeadLetterQueues, Origin
from faststream.rabbit import RabbitBroker
from prometheus_client import CollectorRegistry
from pydantic import BaseModel
from service_kit.dead_letters import DeadLetterPolicy, declare_dead_letters
from service_kit.errors import Unprocessable
from service_kit.metrics import ConsumerMetrics
from service_kit.subscribers import consumes, routers_of
from service_kit.topology import declare_exchanges
from test_support.infrastructure import delete_queues
from test_support.waiting import eventually

pytestmark = pytest.mark.integration


class Ping(BaseModel):
    n: int
    campaign_id: str = ""


@dataclass
class Pings:
    queue: str
    broken: bool = True
    seen: list[int] = field(default_factory=list)

    @consumes(lambda self: self.queue, INTERNAL_EXCHANGE, "kit.replay.ping")
    async def on_ping(self, ping: Ping) -> None:
        if self.broken and ping.n > 0:
            raise Unprocessable("the cause, not yet fixed")
        if self.broken:
            raise RuntimeError("fails every time")  # requeued until the delivery limit
        self.seen.append(ping.n)


@dataclass
class Setup:
    url: str
    pings: Pings
    channel: AbstractChannel
    dlqs: DeadLetterQueues

    async def publish(self, ping: Ping, exchange: str, routing_key: str, **headers: str) -> str:
        message_id = uuid.uuid4().hex
        target = await self.channel.get_exchange(exchange) if exchange else None
        message = aio_pika.Message(
            ping.model_dump_json().encode(),
            message_id=message_id,
            content_type="application/json",
            headers=dict(headers),
        )
        await (target or self.channel.default_exchange).publish(message, routing_key)
        return message_id

    async def dead(self, count: int) -> None:
        async def arrived() -> bool:
            return await self.dlqs.count(self.pings.queue) == count

        await eventually(arrived, timeout=30, what=f"{count} dead letters")

    async def handled(self, expected: list[int]) -> None:
        """`expected` handled, and nothing else before a last ping published after."""
        await self.publish(Ping(n=0), INTERNAL_EXCHANGE, "kit.replay.ping")

        async def caught_up() -> bool:
            return 0 in self.pings.seen

        await eventually(caught_up, timeout=30, what="the last ping")
        assert sorted(self.pings.seen) == sorted([*expected, 0])
        self.pings.seen.clear()


@pytest.fixture
async def setup(rabbitmq_url: str) -> AsyncIterator[Setup]:
    pings = Pings(queue=f"kit.replay.{uuid.uuid4().hex[:8]}")
    broker = RabbitBroker(rabbitmq_url)
    broker.add_middleware(DeadLetterPolicy(broker, ConsumerMetrics(CollectorRegistry())))
    for router in routers_of(pings):
        broker.include_router(router)
    await broker.start()
    await declare_exchanges(broker)
    await declare_dead_letters(broker, [pings.queue])
    connection = await aio_pika.connect_robust(rabbitmq_url)
    async with connection, broker:
        channel = await connection.channel()
        yield Setup(rabbitmq_url, pings, channel, DeadLetterQueues(connection))
    await delete_queues(rabbitmq_url, [pings.queue])


async def test_dead_letters_of_both_kinds_are_shown_then_replayed_and_handled_once(
    setup: Setup,
) -> None:
    by_policy = await setup.publish(
        Ping(n=7, campaign_id="c-1"), INTERNAL_EXCHANGE, "kit.replay.ping"
    )
    await setup.dead(1)
    by_rabbitmq = await setup.publish(Ping(n=-3), INTERNAL_EXCHANGE, "kit.replay.ping")
    await setup.dead(2)

    first, second = await setup.dlqs.show(setup.pings.queue, limit=10)
    origin = Origin(setup.pings.queue, INTERNAL_EXCHANGE, "kit.replay.ping")
    assert (first.message_id, first.reason, first.origin) == (
        by_policy,
        "the cause, not yet fixed",
        origin,
    )
    assert first.fields == {"campaign_id": "c-1"}
    assert (second.message_id, second.origin) == (by_rabbitmq, origin)
    assert second.reason.startswith("RabbitMQ: delivery_limit")
    assert await setup.dlqs.count(setup.pings.queue) == 2  # shown, not taken

    setup.pings.broken = False
    report = await setup.dlqs.replay(setup.pings.queue, None, None, dry_run=False)
    assert [letter.message_id for letter in report.replayed] == [by_policy, by_rabbitmq]
    assert (report.left, report.not_found) == ([], set())
    await setup.handled([7, -3])
    assert await setup.dlqs.count(setup.pings.queue) == 0


async def test_a_dry_run_moves_nothing(setup: Setup) -> None:
    message_id = await setup.publish(Ping(n=5), INTERNAL_EXCHANGE, "kit.replay.ping")
    await setup.dead(1)
    setup.pings.broken = False

    dry = await setup.dlqs.replay(setup.pings.queue, {message_id}, None, dry_run=True)
    assert [letter.message_id for letter in dry.replayed] == [message_id]
    await setup.handled([])
    assert await setup.dlqs.count(setup.pings.queue) == 1


async def test_only_the_chosen_messages_are_replayed_and_counted(setup: Setup) -> None:
    ids = [await setup.publish(Ping(n=n), INTERNAL_EXCHANGE, "kit.replay.ping") for n in (1, 2)]
    await setup.dead(2)
    setup.pings.broken = False

    report = await setup.dlqs.replay(setup.pings.queue, {ids[1], "absent"}, None, dry_run=False)
    assert [letter.message_id for letter in report.replayed] == [ids[1]]
    assert report.not_found == {"absent"}
    await setup.handled([2])
    (left,) = await setup.dlqs.show(setup.pings.queue, limit=10)
    assert left.message_id == ids[0]


async def test_a_limit_replays_the_first_ones_and_leaves_the_rest(setup: Setup) -> None:
    ids = [await setup.publish(Ping(n=n), INTERNAL_EXCHANGE, "kit.replay.ping") for n in (1, 2, 3)]
    await setup.dead(3)
    setup.pings.broken = False

    report = await setup.dlqs.replay(setup.pings.queue, None, 2, dry_run=False)
    assert [letter.message_id for letter in report.replayed] == ids[:2]
    await setup.handled([1, 2])
    assert [left.message_id for left in await setup.dlqs.show(setup.pings.queue, 10)] == ids[2:]


async def test_a_replayed_message_that_fails_again_says_how_often_it_was_replayed(
    setup: Setup,
) -> None:
    await setup.publish(Ping(n=4), INTERNAL_EXCHANGE, "kit.replay.ping")
    await setup.dead(1)
    await setup.dlqs.replay(setup.pings.queue, None, None, dry_run=False)  # still broken
    await setup.dead(1)
    (again,) = await setup.dlqs.show(setup.pings.queue, limit=1)
    assert (again.replayed, again.reason) == (1, "the cause, not yet fixed")


async def test_without_a_known_origin_or_with_its_queue_gone_a_message_stays(
    setup: Setup,
) -> None:
    dlq = f"{setup.pings.queue}.dlq"
    orphan = await setup.publish(Ping(n=1), "", dlq)
    gone = await setup.publish(Ping(n=2), "", dlq, **{"x-original-queue": "kit.no-such-queue"})
    setup.pings.broken = False

    report = await setup.dlqs.replay(setup.pings.queue, None, None, dry_run=False)
    assert report.replayed == []
    assert [(letter.message_id, why.split(" ")[0]) for letter, why in report.left] == [
        (orphan, "no"),
        (gone, "queue"),
    ]
    assert await setup.dlqs.count(setup.pings.queue) == 2


async def test_the_command_lists_shows_replays_and_says_what_it_did(
    setup: Setup, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RABBITMQ_URL", setup.url)
    message_id = await setup.publish(Ping(n=9), INTERNAL_EXCHANGE, "kit.replay.ping")
    await setup.dead(1)
    dlq = f"{setup.pings.queue}.dlq"

    async def listed() -> str | None:
        assert await asyncio.to_thread(main, ["list"]) == OK
        out = capsys.readouterr().out
        return out if dlq in out else None

    assert f"       1  {dlq}" in await eventually(listed, timeout=30, what="the dlq listed")
    assert await asyncio.to_thread(main, ["show", setup.pings.queue]) == OK
    shown = capsys.readouterr().out
    assert message_id in shown
    assert "reason: the cause, not yet fixed" in shown
    setup.pings.broken = False
    assert await asyncio.to_thread(main, ["replay", dlq, "--all", "--dry-run"]) == OK
    assert f"would replay {message_id} to {setup.pings.queue}" in capsys.readouterr().out
    assert await asyncio.to_thread(main, ["replay", dlq, "--message-id", "nope"]) == LEFT
    assert await asyncio.to_thread(main, ["replay", dlq, "--all"]) == OK
    await setup.handled([9])


def test_an_unknown_queue_is_a_clear_error(
    rabbitmq_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RABBITMQ_URL", rabbitmq_url)
    assert main(["replay", "kit.no-such-queue", "--all"]) == USAGE
    assert capsys.readouterr().err.strip() == "no dead-letter queue 'kit.no-such-queue.dlq'"
