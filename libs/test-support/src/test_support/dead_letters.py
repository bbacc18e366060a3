"""Reading a queue's dead-letter queue (`<queue>.dlq`) in a test."""

from __future__ import annotations

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage

from .waiting import eventually


async def publish_raw(
    channel: AbstractChannel, exchange: str, routing_key: str, body: bytes, message_id: str
) -> None:
    """`body` as it is (no model: it may be what a model refuses), with `message_id`."""
    target = await channel.get_exchange(exchange)
    message = aio_pika.Message(
        body, message_id=message_id, content_type="application/json", delivery_mode=2
    )
    await target.publish(message, routing_key)


async def dead_lettered(
    channel: AbstractChannel, queue: str, message_id: str, timeout: float = 30
) -> AbstractIncomingMessage:
    """The message `message_id` once it is in `<queue>.dlq` (acknowledged there);
    other dead letters met on the way are acknowledged too."""
    dlq = await channel.get_queue(f"{queue}.dlq")

    async def arrived() -> AbstractIncomingMessage | None:
        while (message := await dlq.get(fail=False)) is not None:
            await message.ack()
            if message.message_id == message_id:
                return message
        return None

    return await eventually(arrived, timeout=timeout, what=f"{message_id} dead-lettered")


def reason(message: AbstractIncomingMessage) -> str:
    """Why the consumer dead-lettered it; empty if RabbitMQ did (delivery limit)."""
    return str((message.headers or {}).get("x-dead-letter-reason", ""))
