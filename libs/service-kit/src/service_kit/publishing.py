"""Publishing contracts models: persistent, confirmed, typed."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING

from contracts.catalog import CATALOG
from faststream.rabbit import RabbitBroker, RabbitQueue
from pydantic import BaseModel

from .topology import quorum_queue, topic_exchange

if TYPE_CHECKING:
    from faststream.rabbit.broker.registrator import RabbitRegistrator


def encode(message: BaseModel) -> bytes:
    return message.model_dump_json().encode()


class Publisher:
    """Publishes to exchanges, or straight to a queue it declares first (once)."""

    def __init__(self, broker: RabbitBroker) -> None:
        self.broker = broker
        self._declared: set[str] = set()

    async def publish_raw(
        self,
        body: bytes,
        *,
        exchange: str,
        routing_key: str,
        message_type: str,
        message_id: str | None = None,
    ) -> None:
        await self.broker.publish(
            body,
            exchange=exchange or None,
            routing_key=routing_key,
            persist=True,
            content_type="application/json",
            message_type=message_type,
            message_id=message_id or uuid.uuid4().hex,
            timeout=30,
        )

    async def publish(
        self,
        message: BaseModel,
        *,
        exchange: str,
        routing_key: str,
        message_id: str | None = None,
    ) -> None:
        await self.publish_raw(
            encode(message),
            exchange=exchange,
            routing_key=routing_key,
            message_type=routing_key,
            message_id=message_id,
        )

    async def send_to_queue(
        self,
        message: BaseModel,
        *,
        queue: str,
        message_type: str,
        single_active_consumer: bool = False,
    ) -> None:
        """Declare `queue` (a quorum queue) if this process has not yet, then publish
        to it through the default exchange."""
        if queue not in self._declared:
            await self.declare(quorum_queue(queue, single_active_consumer=single_active_consumer))
        await self.publish_raw(
            encode(message), exchange="", routing_key=queue, message_type=message_type
        )

    async def declare(self, queue: RabbitQueue) -> None:
        await self.broker.declare_queue(queue)
        self._declared.add(queue.name)


def declare_publishers(registrator: RabbitRegistrator, routing_keys: Iterable[str]) -> None:
    """A faststream publisher per event (`contracts.catalog`), so the service's
    AsyncAPI document lists what it publishes; `Publisher` and the outbox relay
    publish them."""
    entries = {entry.routing_key: entry for entry in CATALOG}
    for key in routing_keys:
        entry = entries[key]
        registrator.publisher(
            exchange=topic_exchange(entry.exchange),
            routing_key=key,
            schema=entry.model,
            title=f"{entry.exchange}:{key}",
            description=(entry.model.__doc__ or "").strip() or None,
        )
