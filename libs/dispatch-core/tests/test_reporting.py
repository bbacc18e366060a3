"""Outcomes reported while the broker's channel is being reopened go out once it is
back: none lost, none twice."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import aiormq.exceptions
from contracts.base import utc_now
from contracts.dispatch import DeliveriesReportedV1, DeliveryResult
from dispatch_core.reporting import Reporter
from faststream.rabbit import RabbitBroker
from pydantic import BaseModel
from service_kit.publishing import Publisher


class ReopeningChannel(Publisher):
    """Refuses its first `failures` publishes as a channel being reopened does
    (aiormq's ChannelInvalidStateError, a RuntimeError), then keeps what it gets."""

    def __init__(self, failures: int) -> None:
        super().__init__(RabbitBroker())
        self.failures = failures
        self.published: list[DeliveriesReportedV1] = []

    async def publish(self, message: BaseModel, **_: Any) -> None:
        if self.failures:
            self.failures -= 1
            raise aiormq.exceptions.ChannelInvalidStateError("writer is None")
        assert isinstance(message, DeliveriesReportedV1)
        self.published.append(message)


def result(n: int) -> DeliveryResult:
    return DeliveryResult(
        campaign_id=uuid.UUID(int=1),
        recipient_no=n,
        step_no=1,
        status="sent",
        attempts=1,
        finished_at=utc_now(),
    )


async def test_reports_wait_out_a_channel_being_reopened_none_lost_none_doubled() -> None:
    publisher = ReopeningChannel(failures=3)
    reporter = Reporter(publisher, "t1", "c1", linger=0.01, batch_size=5)
    # a full batch flushes at once (and waits for the channel); the rest linger
    await asyncio.wait_for(asyncio.gather(*(reporter.add(result(n)) for n in range(1, 13))), 10)
    await asyncio.wait_for(reporter.close(), 10)

    assert publisher.failures == 0
    sent = [r.recipient_no for event in publisher.published for r in event.results]
    assert sorted(sent) == list(range(1, 13))
