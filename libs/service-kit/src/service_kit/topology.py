"""Exchanges and queues, declared the same way by every service.

Every queue is a durable quorum queue.  A message a consumer cannot process is
sent to `<queue>.dlq` with the reason in its headers; a message that keeps
failing for an unknown reason is dead-lettered by RabbitMQ after
`DELIVERY_LIMIT` deliveries, to the same place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import aio_pika.abc
import aio_pika.exceptions
from contracts.names import DEAD_LETTER_EXCHANGE, TOPIC_EXCHANGES, dead_letter_queue
from faststream.rabbit import ExchangeType, QueueType, RabbitBroker, RabbitExchange, RabbitQueue

if TYPE_CHECKING:
    from faststream.rabbit.schemas.queue import QuorumQueueArgs

DELIVERY_LIMIT = 20


def topic_exchange(name: str) -> RabbitExchange:
    return RabbitExchange(name, type=ExchangeType.TOPIC, durable=True)


def dead_letter_exchange() -> RabbitExchange:
    return RabbitExchange(DEAD_LETTER_EXCHANGE, type=ExchangeType.DIRECT, durable=True)


def queue_arguments(name: str, *, single_active_consumer: bool = False) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
        "x-dead-letter-routing-key": name,
        "x-delivery-limit": DELIVERY_LIMIT,
    }
    if single_active_consumer:
        arguments["x-single-active-consumer"] = True
    return arguments


def quorum_queue(
    name: str, *, routing_key: str = "", single_active_consumer: bool = False
) -> RabbitQueue:
    """A durable quorum queue that dead-letters to `<name>.dlq`."""
    arguments = queue_arguments(name, single_active_consumer=single_active_consumer)
    return RabbitQueue(
        name,
        queue_type=QueueType.QUORUM,
        routing_key=routing_key,
        arguments=cast("QuorumQueueArgs", arguments),
    )


async def declare_exchanges(broker: RabbitBroker) -> None:
    for name in TOPIC_EXCHANGES:
        await broker.declare_exchange(topic_exchange(name))
    await broker.declare_exchange(dead_letter_exchange())


async def declare_dead_letter_queue(broker: RabbitBroker, queue: str) -> None:
    """`<queue>.dlq`, bound to the dead-letter exchange with the queue's name.

    A durable classic queue: messages rarely land there, and a quorum queue (a
    Raft group of its own) per dead-letter queue would double the broker's load
    for nothing.  One declared earlier with other arguments is used as it is."""
    name = dead_letter_queue(queue)
    connection = await broker.connect()
    declared: aio_pika.abc.AbstractQueue | None = None
    try:
        async with connection.channel() as channel:
            declared = await channel.declare_queue(name, passive=True)
    except aio_pika.exceptions.ChannelClosed:
        declared = None
    async with connection.channel() as channel:
        if declared is None:
            declared = await channel.declare_queue(
                name, durable=True, arguments={"x-queue-type": "classic", "x-queue-version": 2}
            )
        else:
            declared = await channel.get_queue(name, ensure=False)
        await declared.bind(DEAD_LETTER_EXCHANGE, routing_key=queue)
