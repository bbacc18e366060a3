"""Outcomes go out in batches (`delivery.reported.v1`): as soon as `batch_size`
are waiting, or `linger` seconds after the first one, and always before the
batch of jobs that produced them leaves the inbox.

Every report costs its consumers (scheduler, campaign-api) a transaction, so
the batches are large (why these sizes:
docs/decisions/dispatch-report-batches-and-lateness.md).  A report is at most a
second behind."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from typing import Protocol

from contracts.dispatch import DeliveriesReportedV1, DeliveryResult
from contracts.names import INTERNAL_EXCHANGE, RoutingKey
from service_kit.publishing import Publisher
from service_kit.retry import retry_transient


class Reports(Protocol):
    """Where a connection's sender reports its outcomes."""

    async def add(self, result: DeliveryResult) -> None: ...

    async def flush(self) -> None:
        """Report every outcome added so far."""
        ...

    async def close(self) -> None: ...


class Reporter:
    def __init__(
        self,
        publisher: Publisher,
        tenant_id: str,
        connection_id: str,
        *,
        linger: float = 1.0,
        batch_size: int = 1000,
    ) -> None:
        self._publisher = publisher
        self._tenant_id = tenant_id
        self._connection_id = connection_id
        self._linger = linger
        self._batch_size = batch_size
        self._waiting: list[DeliveryResult] = []
        self._lock = asyncio.Lock()
        self._timer: asyncio.Task[None] | None = None

    async def add(self, result: DeliveryResult) -> None:
        self._waiting.append(result)
        if len(self._waiting) >= self._batch_size:
            await self.flush()
        elif self._timer is None or self._timer.done():
            self._timer = asyncio.create_task(self._flush_later())

    async def _flush_later(self) -> None:
        await asyncio.sleep(self._linger)
        await self.flush()

    async def flush(self) -> None:
        async with self._lock:
            while self._waiting:
                batch, self._waiting = (
                    self._waiting[: self._batch_size],
                    self._waiting[self._batch_size :],
                )
                event = DeliveriesReportedV1(
                    tenant_id=self._tenant_id, connection_id=self._connection_id, results=batch
                )
                try:
                    await retry_transient(
                        functools.partial(
                            self._publisher.publish,
                            event,
                            exchange=INTERNAL_EXCHANGE,
                            routing_key=RoutingKey.DELIVERY_REPORTED,
                        ),
                        what="report outcomes",
                    )
                except BaseException:
                    self._waiting = batch + self._waiting
                    raise

    async def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._timer
        await self.flush()
