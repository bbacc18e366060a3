"""Dead letters read and put back: what the `dead-letters` command does.

A dead letter is a message in `<queue>.dlq`, put there either by a consumer's
`DeadLetterPolicy` (headers `x-dead-letter-reason`, `x-original-queue`,
`x-original-exchange`, `x-original-routing-key`) or by RabbitMQ after the
queue's delivery limit (header `x-death`, newest first).  Its origin is the
queue it was dead-lettered from.

Replaying publishes the message again, with its body and properties, straight
to its origin queue through the default exchange (so only the consumer that
failed sees it again, not every queue bound to its routing key), with publisher
confirms and `mandatory`, and only once the broker has confirmed it is the
message acknowledged in the dead-letter queue.  A crash between the two leaves
it in both places: delivery is at-least-once, which is right because every
consumer is idempotent.  The replayed message carries `x-replayed`, the number
of times it was replayed; the headers of its dead-lettering by a consumer are
dropped (a new failure writes new ones) while RabbitMQ's `x-death` history is kept.

Reading never removes anything: messages are taken unacknowledged and go back
when the channel closes.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import aio_pika
import aio_pika.exceptions
import aiormq.exceptions
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractRobustConnection
from contracts.names import dead_letter_queue
from service_kit.dead_letters import LOG_FIELDS

DLQ_SUFFIX = dead_letter_queue("")
IDENTIFYING_FIELDS = (*LOG_FIELDS, "delivery_id")
"""Body fields shown for a dead letter: ids only, never texts or credentials."""

REPLAYED = "x-replayed"
_DROPPED_ON_REPLAY = frozenset(
    {
        "x-dead-letter-reason",
        "x-original-queue",
        "x-original-exchange",
        "x-original-routing-key",
        "x-delivery-count",
    }
)


class UnknownQueue(Exception):
    """No such dead-letter queue in the vhost."""


@dataclass(frozen=True)
class Origin:
    """Where a dead letter was consumed from, and how it had been published."""

    queue: str
    exchange: str
    routing_key: str


@dataclass(frozen=True)
class DeadLetter:
    """What is shown of a dead letter: nothing of its body but identifying ids."""

    message_id: str | None
    message_type: str | None
    reason: str
    origin: Origin | None
    replayed: int
    fields: dict[str, str]


@dataclass
class Replay:
    """What a replay did (or, dry, would do): replayed, and left in place with why."""

    replayed: list[DeadLetter] = field(default_factory=list)
    left: list[tuple[DeadLetter, str]] = field(default_factory=list)
    not_found: set[str] = field(default_factory=set)


def dlq_name(queue: str) -> str:
    """`queue` as a dead-letter queue's name: `X.dlq` as given, `X` as `X.dlq`."""
    return queue if queue.endswith(DLQ_SUFFIX) else dead_letter_queue(queue)


def _latest_death(headers: Mapping[str, Any]) -> Mapping[str, Any] | None:
    deaths = headers.get("x-death")
    if isinstance(deaths, list) and deaths and isinstance(deaths[0], Mapping):
        return deaths[0]
    return None


def origin_of(headers: Mapping[str, Any]) -> Origin | None:
    """The consumer's `x-original-*` headers, else RabbitMQ's latest `x-death`."""
    if queue := headers.get("x-original-queue"):
        return Origin(
            str(queue),
            str(headers.get("x-original-exchange", "")),
            str(headers.get("x-original-routing-key", "")),
        )
    death = _latest_death(headers)
    if death is None or not death.get("queue"):
        return None
    keys = death.get("routing-keys") or [""]
    return Origin(str(death["queue"]), str(death.get("exchange", "")), str(keys[0]))


def reason_of(headers: Mapping[str, Any]) -> str:
    if reason := headers.get("x-dead-letter-reason"):
        return str(reason)
    death = _latest_death(headers)
    if death is None:
        return "unknown (no dead-letter headers)"
    return f"RabbitMQ: {death.get('reason')} (x-death count {death.get('count')})"


def identifying_fields(body: bytes) -> dict[str, str]:
    """The `IDENTIFYING_FIELDS` of a JSON object body; none of anything else."""
    try:
        event = json.loads(body)
    except ValueError:
        return {}
    if not isinstance(event, dict):
        return {}
    return {name: str(event[name]) for name in IDENTIFYING_FIELDS if name in event}


def describe(message: AbstractIncomingMessage) -> DeadLetter:
    headers = message.headers or {}
    replayed = headers.get(REPLAYED, 0)
    return DeadLetter(
        message_id=message.message_id,
        message_type=message.type,
        reason=reason_of(headers),
        origin=origin_of(headers),
        replayed=replayed if isinstance(replayed, int) else 0,
        fields=identifying_fields(message.body),
    )


def replay_message(message: AbstractIncomingMessage) -> aio_pika.Message:
    """`message` to publish again: same body and properties, persistent, with
    `x-replayed` counted up and the consumer's dead-letter headers dropped."""
    headers = {k: v for k, v in (message.headers or {}).items() if k not in _DROPPED_ON_REPLAY}
    headers[REPLAYED] = describe(message).replayed + 1
    return aio_pika.Message(
        message.body,
        headers=headers,
        content_type=message.content_type,
        content_encoding=message.content_encoding,
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        priority=message.priority,
        correlation_id=message.correlation_id,
        reply_to=message.reply_to,
        message_id=message.message_id,
        timestamp=message.timestamp,
        type=message.type,
        app_id=message.app_id,
    )


class DeadLetterQueues:
    """Dead-letter queues of one vhost, over one AMQP connection."""

    def __init__(self, connection: AbstractRobustConnection) -> None:
        self.connection = connection

    async def count(self, queue: str) -> int:
        """Messages in `queue`'s dead-letter queue; `UnknownQueue` if there is none."""
        try:
            async with self.connection.channel() as channel:
                declared = await channel.declare_queue(dlq_name(queue), passive=True)
        except aio_pika.exceptions.ChannelClosed as error:
            raise UnknownQueue(f"no dead-letter queue {dlq_name(queue)!r}") from error
        return declared.declaration_result.message_count or 0

    async def counts(self, queues: Iterable[str]) -> dict[str, int]:
        """The messages in each of `queues` that still exists."""
        found: dict[str, int] = {}
        for queue in queues:
            try:
                found[dlq_name(queue)] = await self.count(queue)
            except UnknownQueue:
                continue
        return found

    async def show(self, queue: str, limit: int) -> list[DeadLetter]:
        """The first `limit` dead letters, left where they are."""
        await self.count(queue)
        async with self.connection.channel() as channel:
            return [describe(m) async for m in _messages(channel, dlq_name(queue), limit)]

    async def replay(
        self, queue: str, message_ids: set[str] | None, limit: int | None, *, dry_run: bool
    ) -> Replay:
        """Replay the dead letters of `queue` whose id is in `message_ids` (all when
        None), at most `limit` of them, in the queue's order; each acknowledged only
        once its origin queue has it.  `dry_run` publishes and removes nothing."""
        total = await self.count(queue)
        report = Replay(not_found=set(message_ids or ()))
        async with (
            self.connection.channel() as reading,
            self.connection.channel(publisher_confirms=True, on_return_raises=True) as writing,
        ):
            async for message in _messages(reading, dlq_name(queue), total):
                if message_ids is not None and message.message_id not in message_ids:
                    continue
                report.not_found.discard(message.message_id or "")
                await _replay_one(writing, message, report, dry_run=dry_run)
                if _done(report, message_ids, limit):
                    break
        return report


def _done(report: Replay, message_ids: set[str] | None, limit: int | None) -> bool:
    """Every chosen message met, or `limit` replayed: the rest need not be read."""
    if limit is not None and len(report.replayed) >= limit:
        return True
    return message_ids is not None and not report.not_found


async def _messages(
    channel: AbstractChannel, name: str, at_most: int
) -> AsyncIterator[AbstractIncomingMessage]:
    """Up to `at_most` messages of `name`, one at a time, unacknowledged: each goes
    back to the queue when `channel` closes, unless acknowledged meanwhile."""
    queue = await channel.get_queue(name, ensure=False)
    for _ in range(at_most):
        message = await queue.get(fail=False)
        if message is None:
            return
        yield message


async def _replay_one(
    channel: AbstractChannel, message: AbstractIncomingMessage, report: Replay, *, dry_run: bool
) -> None:
    letter = describe(message)
    if letter.origin is None:
        report.left.append((letter, "no known origin (no x-original-queue, no x-death)"))
        return
    if dry_run:
        report.replayed.append(letter)
        return
    try:
        await channel.default_exchange.publish(
            replay_message(message), letter.origin.queue, mandatory=True, timeout=30
        )
    except aiormq.exceptions.PublishError:
        report.left.append((letter, f"queue {letter.origin.queue!r} does not exist (unroutable)"))
        return
    except aiormq.exceptions.DeliveryError as error:
        report.left.append((letter, f"the broker refused it: {error}"))
        return
    await message.ack()
    report.replayed.append(letter)
