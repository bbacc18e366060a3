"""Requesting campaigns as another service of the platform does
(`campaign.requested.v1` on the `campaigns` exchange), and reading the answers."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractQueue
from contracts.names import CAMPAIGNS_EXCHANGE, RoutingKey

from .waiting import eventually

Answer = tuple[str, dict[str, Any]]
"""An answer's routing key and its body."""


class CampaignOutcomes:
    """A queue bound to `campaign.accepted.v1` and `campaign.rejected.v1`, as the
    requesting service would have; every answer read from it is kept in `seen`."""

    def __init__(self, channel: AbstractChannel, queue: AbstractQueue) -> None:
        self.channel = channel
        self.queue = queue
        self.seen: list[Answer] = []

    async def publish(self, body: bytes | dict[str, Any]) -> None:
        """A persistent `campaign.requested.v1`: a dict as JSON, bytes as they are
        (they may be what the campaign-api cannot read)."""
        if isinstance(body, dict):
            message = aio_pika.Message(
                json.dumps(body).encode(),
                content_type="application/json",
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            )
        else:
            message = aio_pika.Message(body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT)
        exchange = await self.channel.get_exchange(CAMPAIGNS_EXCHANGE)
        await exchange.publish(message, RoutingKey.CAMPAIGN_REQUESTED)

    async def collect(self) -> None:
        """Read (and acknowledge) every answer waiting in the queue."""
        while (message := await self.queue.get(fail=False)) is not None:
            await message.ack()
            self.seen.append((message.routing_key or "", json.loads(message.body)))

    def of(self, request_id: str) -> list[Answer]:
        """The answers read so far to `request_id`."""
        return [(key, body) for key, body in self.seen if body.get("request_id") == request_id]

    async def answered(self, request_id: str, *, timeout: float = 30) -> list[Answer]:
        """The answers to `request_id`, once there is one."""

        async def arrived() -> list[Answer] | None:
            await self.collect()
            return self.of(request_id) or None

        return await eventually(arrived, timeout=timeout, what=f"an answer to {request_id}")

    async def wait_for(
        self, routing_key: str, request_id: str, count: int = 1
    ) -> list[dict[str, Any]]:
        """The bodies of `count` answers `routing_key` to `request_id`."""

        async def arrived() -> list[dict[str, Any]] | None:
            await self.collect()
            found = [body for key, body in self.of(request_id) if key == routing_key]
            return found if len(found) >= count else None

        return await eventually(arrived, timeout=30, what=f"{count} {routing_key} for {request_id}")


@asynccontextmanager
async def campaign_outcomes(rabbitmq_url: str) -> AsyncIterator[CampaignOutcomes]:
    """A connection of its own and an exclusive queue, closed on exit."""
    connection = await aio_pika.connect(rabbitmq_url)
    try:
        channel = await connection.channel()
        queue = await channel.declare_queue("", exclusive=True)
        for key in (RoutingKey.CAMPAIGN_ACCEPTED, RoutingKey.CAMPAIGN_REJECTED):
            await queue.bind(CAMPAIGNS_EXCHANGE, key)
        yield CampaignOutcomes(channel, queue)
    finally:
        await connection.close()
