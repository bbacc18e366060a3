"""Reading a queue's dead-letter queue (`<queue>.dlq`) in a test."""

from __future__ import annotations

import json
import uuid

import aio_pika
import pytest
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage
from contracts.names import DIALOGS_EXCHANGE, DispatcherName, RoutingKey, dispatcher_queue

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


def bad_inbound_values(external_id: str) -> list[object]:
    """(external_id, received_at, why) of an inbound message the database cannot
    store, for `pytest.mark.parametrize`: `external_id` with a NUL appended, and a
    message received in year 9999; `why` is what the dead-letter reason says."""
    return [
        pytest.param(
            f"{external_id}\x00",
            "2026-01-01T00:00:00Z",
            "CharacterNotInRepertoireError",
            id="NUL in the id",
        ),
        pytest.param(
            external_id,
            "9999-12-31T00:00:00Z",
            "ahead of this service's clock",
            id="received in year 9999",
        ),
    ]


async def inbound_dead_lettered(
    channel: AbstractChannel,
    dispatcher: DispatcherName,
    tenant_id: str,
    connection_id: str,
    external_id: str,
    received_at: str,
) -> AbstractIncomingMessage:
    """A `message.inbound.v1` with these values, written out by hand (so it may hold
    what the model refuses) and published on the dialogs exchange; the message once
    `dispatcher`'s inbound queue has dead-lettered it."""
    body = {
        "tenant_id": tenant_id,
        "connection_id": connection_id,
        "external_id": external_id,
        "text": "hi",
        "received_at": received_at,
        "channel": dispatcher,
    }
    message_id = uuid.uuid4().hex
    await publish_raw(
        channel, DIALOGS_EXCHANGE, RoutingKey.MESSAGE_INBOUND, json.dumps(body).encode(), message_id
    )
    return await dead_lettered(channel, dispatcher_queue(dispatcher, "inbound"), message_id)


def reason(message: AbstractIncomingMessage) -> str:
    """Why the consumer dead-lettered it; empty if RabbitMQ did (delivery limit)."""
    return str((message.headers or {}).get("x-dead-letter-reason", ""))


def assert_dead_lettered_once(message: AbstractIncomingMessage, why: str) -> None:
    """The consumer dead-lettered `message` on its first delivery, saying `why`, not
    RabbitMQ after the delivery limit."""
    assert why in reason(message)
    assert "x-death" not in (message.headers or {})
