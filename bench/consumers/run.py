"""How fast one handler consumes delivery outcomes on the real broker: 20,000
`delivery.reported.v1` events published to its queue first, then the time the
runtime's broker takes to hand them all to a handler that does nothing (the
middleware, the decoding and the acknowledgements are what is measured).

RABBITMQ_URL names the broker (default: the local one); COUNT the events."""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid

import aio_pika
from contracts.catalog import CATALOG
from contracts.dispatch import DeliveriesReportedV1
from contracts.names import RoutingKey
from faststream.rabbit import RabbitBroker
from prometheus_client import CollectorRegistry
from service_kit.dead_letters import ConsumerMetrics, DeadLetterPolicy, declare_dead_letters
from service_kit.subscribers import Binding, subscribe
from service_kit.topology import quorum_queue

URL = os.environ.get("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")
COUNT = int(os.environ.get("COUNT", "20000"))
PREFETCH = 64  # campaign-api's deliveries queue


def example() -> bytes:
    (entry,) = (e for e in CATALOG if e.routing_key == RoutingKey.DELIVERY_REPORTED)
    return json.dumps(entry.example()).encode()


async def fill(queue: str, body: bytes) -> None:
    connection = await aio_pika.connect(URL)
    async with connection:
        channel = await connection.channel()
        for _ in range(COUNT):
            await channel.default_exchange.publish(
                aio_pika.Message(body, content_type="application/json"), routing_key=queue
            )


async def main() -> None:
    queue = f"bench.consumers.{uuid.uuid4().hex[:8]}"
    broker = RabbitBroker(URL)
    broker.add_middleware(DeadLetterPolicy(broker, ConsumerMetrics(CollectorRegistry())))
    done = asyncio.Event()
    handled = 0

    async def handle(event: DeliveriesReportedV1) -> None:
        nonlocal handled
        handled += 1
        if handled == COUNT:
            done.set()

    subscribe(broker, Binding(queue, prefetch=PREFETCH), handle)
    await broker.connect()
    await broker.declare_queue(quorum_queue(queue))
    await declare_dead_letters(broker, [queue])
    await fill(queue, example())
    started = time.monotonic()
    await broker.start()
    await done.wait()
    seconds = time.monotonic() - started
    print(f"consumed {COUNT} delivery.reported.v1 in {seconds:.2f} s: {COUNT / seconds:.0f}/s")
    await broker.stop()
    connection = await aio_pika.connect(URL)
    async with connection:
        channel = await connection.channel()
        await channel.queue_delete(queue)
        await channel.queue_delete(f"{queue}.dlq")


if __name__ == "__main__":
    asyncio.run(main())
