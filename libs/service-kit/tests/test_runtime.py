"""The kit on the real broker and database: migrations, the outbox, consumers
that dead-letter with a reason, retry what is transient, and answer requests."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aio_pika
import pytest
from prometheus_client import CollectorRegistry
from pydantic import BaseModel
from service_kit.errors import Unprocessable
from service_kit.outbox import OutboxRelay, OutgoingMessage, add_to_outbox
from service_kit.publishing import Publisher, encode
from service_kit.runtime import ServiceRuntime
from service_kit.settings import ServiceSettings
from service_kit.subscribers import Binding, subscribe
from test_support.infrastructure import delete_queues
from test_support.waiting import eventually

pytestmark = pytest.mark.integration

EXCHANGE = "campaigns.internal"


class Ping(BaseModel):
    n: int
    text: str = ""


class Handled:
    def __init__(self) -> None:
        self.seen: list[int] = []
        self.failures_left = 0
        self.attempts: dict[int, int] = {}
        self.pool: Any = None

    async def handle(self, ping: Ping) -> Ping | None:
        self.attempts[ping.n] = self.attempts.get(ping.n, 0) + 1
        if ping.text:  # stored as it is: PostgreSQL refuses a NUL
            await self.pool.execute("SELECT length($1::text)", ping.text)
        if ping.n > 9000:  # a date past the last there is
            datetime.max.replace(tzinfo=UTC) + timedelta(days=ping.n)
        if self.failures_left:
            self.failures_left -= 1
            raise ConnectionResetError("the database went away")
        if ping.n < 0:
            raise Unprocessable(f"negative numbers cannot be stored: {ping.n}")
        self.seen.append(ping.n)
        return Ping(n=ping.n * 2)


@pytest.fixture
def migrations(tmp_path: Path) -> Path:
    (tmp_path / "001_things.sql").write_text("CREATE TABLE things (id int PRIMARY KEY);")
    (tmp_path / "002_more.sql").write_text("ALTER TABLE things ADD COLUMN name text;")
    return tmp_path


@pytest.fixture
async def kit(
    rabbitmq_url: str, database_url: str, migrations: Path
) -> AsyncIterator[tuple[ServiceRuntime, Handled, str]]:
    queue = f"kit-test.{uuid.uuid4().hex[:8]}"
    handled = Handled()
    runtime = ServiceRuntime(
        "kit-test",
        ServiceSettings(rabbitmq_url=rabbitmq_url, database_url=database_url),
        schema="kit_test",
        migrations=migrations,
    )
    subscribe(runtime.broker, Binding(queue, EXCHANGE, queue), handled.handle)
    async with runtime.running():
        handled.pool = runtime.pool
        yield runtime, handled, queue
    await delete_queues(rabbitmq_url, [queue])


async def publish(url: str, routing_key: str, body: bytes) -> None:
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.get_exchange(EXCHANGE)
        await exchange.publish(
            aio_pika.Message(body, content_type="application/json"), routing_key=routing_key
        )


async def dead_lettered(url: str, queue: str) -> aio_pika.abc.AbstractIncomingMessage:
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        dlq = await channel.get_queue(f"{queue}.dlq")

        async def one() -> aio_pika.abc.AbstractIncomingMessage | None:
            message = await dlq.get(fail=False)
            if message is not None:
                await message.ack()
            return message

        return await eventually(one, what="a dead-lettered message")


async def test_migrations_apply_once_in_order(kit: tuple[ServiceRuntime, Handled, str]) -> None:
    runtime, _, _ = kit
    versions = await runtime.pool.fetch("SELECT version FROM schema_migrations ORDER BY applied_at")
    assert [r["version"] for r in versions] == [
        "kit/001_outbox.sql",
        "001_things.sql",
        "002_more.sql",
    ]
    await runtime.pool.execute("INSERT INTO things (id, name) VALUES (1, 'x')")


async def test_the_outbox_publishes_what_was_committed(
    kit: tuple[ServiceRuntime, Handled, str],
) -> None:
    runtime, handled, queue = kit
    async with runtime.pool.acquire() as conn, conn.transaction():
        await add_to_outbox(conn, [OutgoingMessage(EXCHANGE, queue, Ping(n=7))])
    runtime.outbox.notify()
    await eventually(lambda: _seen(handled, 7), what="the outbox event consumed")
    # the relay deletes the row in the transaction it published from, which may
    # commit after the consumer has the message
    await eventually(lambda: _outbox_empty(runtime), what="the published row gone from the outbox")
    # the relay's publish carries an AMQP timestamp, so the message's age is known
    aged = runtime.registry.get_sample_value("consumer_message_age_seconds_count", {"queue": queue})
    assert aged == 1


async def _outbox_empty(runtime: ServiceRuntime) -> bool:
    left: int = await runtime.pool.fetchval("SELECT count(*) FROM outbox")
    return left == 0


async def test_a_rolled_back_transaction_publishes_nothing(
    kit: tuple[ServiceRuntime, Handled, str],
) -> None:
    runtime, handled, queue = kit

    async def failing_change() -> None:
        async with runtime.pool.acquire() as conn, conn.transaction():
            await add_to_outbox(conn, [OutgoingMessage(EXCHANGE, queue, Ping(n=8))])
            raise RuntimeError("the state change failed")

    with pytest.raises(RuntimeError):
        await failing_change()
    async with runtime.pool.acquire() as conn, conn.transaction():
        await add_to_outbox(conn, [OutgoingMessage(EXCHANGE, queue, Ping(n=9))])
    runtime.outbox.notify()
    await eventually(lambda: _seen(handled, 9), what="the later event")
    assert 8 not in handled.seen


async def test_publish_now_sends_the_rows_it_is_given_before_it_returns(
    kit: tuple[ServiceRuntime, Handled, str],
) -> None:
    runtime, handled, queue = kit
    await runtime.outbox.stop()  # nothing but publish_now publishes here
    async with runtime.pool.acquire() as conn, conn.transaction():
        mine = await add_to_outbox(conn, [OutgoingMessage(EXCHANGE, queue, Ping(n=11))])
        others = await add_to_outbox(conn, [OutgoingMessage(EXCHANGE, queue, Ping(n=12))])
    async with runtime.pool.acquire() as conn, conn.transaction():
        assert await runtime.outbox.publish_now(conn, mine) == 1
    await eventually(lambda: _seen(handled, 11), what="the row published now")
    remaining = await runtime.pool.fetch("SELECT id FROM outbox")
    assert [row["id"] for row in remaining] == others
    assert 12 not in handled.seen
    async with runtime.pool.acquire() as conn, conn.transaction():
        assert await runtime.outbox.publish_now(conn) == 1  # every row left
    await eventually(lambda: _seen(handled, 12), what="the rest published")


async def test_the_outbox_backlog_is_measured(kit: tuple[ServiceRuntime, Handled, str]) -> None:
    runtime, handled, queue = kit
    await runtime.outbox.stop()  # the rows stay until publish_now
    backlog = runtime.outbox.backlog
    async with runtime.pool.acquire() as conn, conn.transaction():
        ids = await add_to_outbox(
            conn, [OutgoingMessage(EXCHANGE, queue, Ping(n=n)) for n in (13, 14)]
        )
    await runtime.pool.execute(
        "UPDATE outbox SET created_at = now() - interval '90 seconds' WHERE id = $1", ids[0]
    )
    await backlog.measure(runtime.pool)
    assert _gauge(runtime, "outbox_pending") == 2
    assert 90 <= _gauge(runtime, "outbox_oldest_pending_age_seconds") < 120
    async with runtime.pool.acquire() as conn, conn.transaction():
        await runtime.outbox.publish_now(conn, ids)
    await backlog.measure(runtime.pool)
    assert _gauge(runtime, "outbox_pending") == 0
    assert _gauge(runtime, "outbox_oldest_pending_age_seconds") == 0
    await eventually(lambda: _seen(handled, 14), what="the events published")


async def test_the_relay_measures_the_backlog_as_it_runs(
    kit: tuple[ServiceRuntime, Handled, str],
) -> None:
    runtime, _, _ = kit
    await runtime.pool.execute(
        "INSERT INTO outbox (exchange, routing_key, message_id, message_type, body, created_at)"
        " VALUES ('no-such-exchange', 'x', 'm', 'x', '', now() - interval '1 hour')"
    )
    await runtime.outbox.stop()
    relay = OutboxRelay(runtime.pool, FailingPublisher(runtime), CollectorRegistry())
    relay.start()
    try:
        await eventually(
            lambda: _measured(relay), timeout=10, what="the backlog measured by the relay"
        )
    finally:
        await relay.stop()
        await runtime.pool.execute("DELETE FROM outbox")


class FailingPublisher(Publisher):
    """A broker that refuses every publish for a while: the outbox keeps its rows."""

    def __init__(self, runtime: ServiceRuntime) -> None:
        super().__init__(runtime.broker)

    async def publish_raw(self, body: bytes, **kwargs: Any) -> None:
        await asyncio.sleep(0.05)
        raise ConnectionResetError("the broker went away")


async def _measured(relay: OutboxRelay) -> bool:
    await asyncio.sleep(0)
    return relay.backlog.oldest_age._value.get() >= 3600


def _gauge(runtime: ServiceRuntime, name: str) -> float:
    value = runtime.registry.get_sample_value(name)
    assert value is not None, name
    return value


async def test_unreadable_and_invalid_messages_are_dead_lettered_with_the_reason(
    kit: tuple[ServiceRuntime, Handled, str], rabbitmq_url: str
) -> None:
    _, handled, queue = kit
    await publish(rabbitmq_url, queue, b"{not json")
    message = await dead_lettered(rabbitmq_url, queue)
    assert message.body == b"{not json"
    assert "invalid Ping" in str(message.headers["x-dead-letter-reason"])
    assert message.headers["x-original-queue"] == queue
    await publish(rabbitmq_url, queue, b'{"n": "seven"}')
    message = await dead_lettered(rabbitmq_url, queue)
    assert "n: Input should be a valid integer" in str(message.headers["x-dead-letter-reason"])
    assert handled.seen == []


async def test_an_unprocessable_message_is_dead_lettered_at_once(
    kit: tuple[ServiceRuntime, Handled, str], rabbitmq_url: str
) -> None:
    _, _, queue = kit
    await publish(rabbitmq_url, queue, encode(Ping(n=-1)))
    message = await dead_lettered(rabbitmq_url, queue)
    assert "negative numbers cannot be stored: -1" in str(message.headers["x-dead-letter-reason"])


@pytest.mark.parametrize(
    ("ping", "reason"),
    [
        (Ping(n=31, text="a\x00b"), "CharacterNotInRepertoireError"),
        (Ping(n=9999), "OverflowError"),
    ],
    ids=["PostgreSQL DataError", "datetime out of range"],
)
async def test_a_failure_that_would_fail_again_is_dead_lettered_once_with_the_reason(
    kit: tuple[ServiceRuntime, Handled, str], rabbitmq_url: str, ping: Ping, reason: str
) -> None:
    _, handled, queue = kit
    await publish(rabbitmq_url, queue, encode(ping))
    message = await dead_lettered(rabbitmq_url, queue)
    assert reason in str(message.headers.get("x-dead-letter-reason")), message.headers
    assert handled.attempts == {ping.n: 1}
    await publish(rabbitmq_url, queue, encode(Ping(n=6)))
    await eventually(lambda: _seen(handled, 6), what="the next message handled")


async def test_a_transient_failure_is_retried_not_dead_lettered(
    kit: tuple[ServiceRuntime, Handled, str], rabbitmq_url: str
) -> None:
    _, handled, queue = kit
    handled.failures_left = 3
    await publish(rabbitmq_url, queue, encode(Ping(n=5)))
    await eventually(lambda: _seen(handled, 5), what="the retried message")
    assert handled.seen == [5]


async def test_a_handler_answers_a_request(kit: tuple[ServiceRuntime, Handled, str]) -> None:
    runtime, _, queue = kit
    reply = await runtime.broker.request(
        encode(Ping(n=21)), exchange=EXCHANGE, routing_key=queue, timeout=10
    )
    assert Ping.model_validate_json(reply.body) == Ping(n=42)


async def test_health_reports_what_is_up(kit: tuple[ServiceRuntime, Handled, str]) -> None:
    runtime, _, _ = kit
    report = await runtime.health()
    assert report == {
        "service": "kit-test",
        "ok": True,
        "checks": {"started": True, "rabbitmq": True, "postgresql": True},
    }


async def test_a_check_of_the_service_shows_in_health(
    kit: tuple[ServiceRuntime, Handled, str],
) -> None:
    runtime, _, _ = kit
    loop_alive = True
    runtime.add_health_check("release_loop", lambda: loop_alive)
    assert (await runtime.health())["ok"] is True
    loop_alive = False
    report = await runtime.health()
    assert report["ok"] is False
    assert report["checks"]["release_loop"] is False


class NotifyingWhilePublishing(Publisher):
    """A real publisher that, while it publishes the first event, has another
    committed and the relay notified, as a busy service does."""

    def __init__(self, runtime: ServiceRuntime, queue: str) -> None:
        super().__init__(runtime.broker)
        self.runtime = runtime
        self.queue = queue
        self.relay: OutboxRelay | None = None

    async def publish_raw(self, body: bytes, **kwargs: Any) -> None:
        await super().publish_raw(body, **kwargs)
        if Ping.model_validate_json(body).n == 1:
            async with self.runtime.pool.acquire() as conn, conn.transaction():
                await add_to_outbox(conn, [OutgoingMessage(EXCHANGE, self.queue, Ping(n=2))])
            assert self.relay is not None
            self.relay.notify()


async def test_a_notify_while_the_relay_publishes_is_not_lost(
    kit: tuple[ServiceRuntime, Handled, str],
) -> None:
    runtime, handled, queue = kit
    await runtime.outbox.stop()  # this test's relay alone, one that polls rarely
    publisher = NotifyingWhilePublishing(runtime, queue)
    relay = OutboxRelay(runtime.pool, publisher, CollectorRegistry(), poll_seconds=60)
    publisher.relay = relay
    relay.start()
    try:
        async with runtime.pool.acquire() as conn, conn.transaction():
            await add_to_outbox(conn, [OutgoingMessage(EXCHANGE, queue, Ping(n=1))])
        relay.notify()
        await eventually(lambda: _seen(handled, 2), timeout=10, what="the event committed later")
    finally:
        await relay.stop()


async def _seen(handled: Handled, n: int) -> bool:
    await asyncio.sleep(0)
    return n in handled.seen


class SlowPublisher(Publisher):
    """A real publisher that takes a while before each publish, as a broker slow to
    confirm does."""

    def __init__(self, runtime: ServiceRuntime) -> None:
        super().__init__(runtime.broker)
        self.started = asyncio.Event()
        self.finished = 0

    async def publish_raw(self, body: bytes, **kwargs: Any) -> None:
        self.started.set()
        await asyncio.sleep(0.5)
        await super().publish_raw(body, **kwargs)
        self.finished += 1


async def test_stopping_the_relay_lets_the_publish_under_way_finish(
    kit: tuple[ServiceRuntime, Handled, str],
) -> None:
    """A publish cancelled while it waits for its confirm leaves the channel unusable."""
    runtime, handled, queue = kit
    await runtime.outbox.stop()
    publisher = SlowPublisher(runtime)
    relay = OutboxRelay(runtime.pool, publisher, CollectorRegistry(), poll_seconds=60)
    relay.start()
    async with runtime.pool.acquire() as conn, conn.transaction():
        await add_to_outbox(conn, [OutgoingMessage(EXCHANGE, queue, Ping(n=7))])
    relay.notify()
    await asyncio.wait_for(publisher.started.wait(), 10)
    await relay.stop()
    assert publisher.finished == 1, "the publish under way was not cut off"
    await eventually(lambda: _seen(handled, 7), timeout=10, what="the event published")
    assert await runtime.broker.ping(timeout=2.0), "the broker connection still answers"
