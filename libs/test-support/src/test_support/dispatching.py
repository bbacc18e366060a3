"""Playing the services around a dispatcher in its tests: the campaign-api's
`connection.updated.v1`, the scheduler's `dispatch.requested.v1`, and reading the
`delivery.reported.v1` the campaign-api would."""

from __future__ import annotations

import uuid

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractQueue
from contracts.audience import Recipient
from contracts.base import utc_now
from contracts.dispatch import (
    DeliveriesReportedV1,
    DeliveryResult,
    DispatchJob,
    DispatchRequestedV1,
    OutboundText,
)
from contracts.names import DISPATCHER_OF, INTERNAL_EXCHANGE, RoutingKey, dispatch_queue
from contracts.tenants import ConnectionUpdatedV1
from service_kit.publishing import encode
from service_kit.topology import quorum_queue


def text_job(campaign: uuid.UUID, n: int) -> DispatchJob:
    """Recipient `n` of `campaign`, step 1: the text `hello <n>` to external id 4000 + n."""
    return DispatchJob(
        campaign_id=campaign,
        recipient_no=n,
        step_no=1,
        recipient=Recipient(recipient_no=n, contact_id=f"c:{n}", external_id=str(4000 + n)),
        content=OutboundText(text=f"hello {n}"),
        released_at=utc_now(),
    )


def connection_queue(tenant_id: str, connection_id: str, channel: str) -> str:
    """The dispatch queue of one connection of `channel` (`telegram_bot`, ...)."""
    return dispatch_queue(DISPATCHER_OF[channel], tenant_id, connection_id)


async def connection_updated(channel: AbstractChannel, event: ConnectionUpdatedV1) -> None:
    """`event` published (persistent) as the campaign-api does, and the connection's
    dispatch queue declared as the scheduler does, so jobs sent before the
    dispatcher declares it wait there."""
    exchange = await channel.get_exchange(INTERNAL_EXCHANGE)
    await exchange.publish(
        aio_pika.Message(encode(event), delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
        RoutingKey.CONNECTION_UPDATED,
    )
    queue = connection_queue(event.tenant_id, event.connection_id, event.channel)
    await channel.declare_queue(
        queue, durable=True, arguments=quorum_queue(queue, single_active_consumer=True).arguments
    )


async def dispatch_requested(channel: AbstractChannel, request: DispatchRequestedV1) -> None:
    """`request` on its connection's dispatch queue (persistent), as the scheduler
    sends it."""
    await channel.default_exchange.publish(
        aio_pika.Message(encode(request), delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
        connection_queue(request.tenant_id, request.connection_id, request.channel),
    )


async def reports_queue(channel: AbstractChannel) -> AbstractQueue:
    """An exclusive queue bound to `delivery.reported.v1`."""
    queue = await channel.declare_queue("", exclusive=True)
    await queue.bind(INTERNAL_EXCHANGE, RoutingKey.DELIVERY_REPORTED)
    return queue


async def reported(queue: AbstractQueue) -> list[DeliveryResult]:
    """Every delivery result waiting in `queue`, its messages acknowledged."""
    results: list[DeliveryResult] = []
    while (message := await queue.get(fail=False)) is not None:
        await message.ack()
        results += DeliveriesReportedV1.model_validate_json(message.body).results
    return results
