"""A dispatcher process: which connections it serves, and their senders.

Each connection has its own queue with a single active consumer: every replica
subscribes to every connection's queue, RabbitMQ lets one of them consume it at
a time, and another takes over if that one dies.  So one process paces a
connection, and its rate limit holds however many replicas run.

Connections arrive as `connection.updated.v1` (one replica stores each); every
replica re-reads the table every `poll_seconds` and subscribes to new ones.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from datetime import UTC, datetime

from contracts.dispatch import DispatchRequestedV1
from contracts.names import DispatcherName, dispatch_queue
from contracts.scheduling import CampaignCancelRequestedV1
from contracts.tenants import ConnectionUpdatedV1
from service_kit.consumers import Subscription
from service_kit.logs import get_logger
from service_kit.retry import TRANSIENT_ERRORS
from service_kit.runtime import ServiceRuntime

from . import repo
from .cancellations import CancelledCampaigns
from .metrics import DispatchMetrics
from .model import ConnectionConfig
from .ports import ClientFactory, Policy
from .reporting import Reporter
from .sender import ConnectionSender

log = get_logger(__name__)


class Dispatcher:
    def __init__(
        self,
        runtime: ServiceRuntime,
        *,
        name: DispatcherName,
        channels: Sequence[str],
        client_factory: ClientFactory,
        policies: Sequence[Policy],
        poll_seconds: float = 2.0,
    ) -> None:
        self._runtime = runtime
        self.name = name
        self.channels = list(channels)
        self._client_factory = client_factory
        self._policies = policies
        self._poll_seconds = poll_seconds
        self.metrics = DispatchMetrics(runtime.registry)
        self.cancelled = CancelledCampaigns()
        self.senders: dict[tuple[str, str], ConnectionSender] = {}
        self._seen = datetime(1970, 1, 1, tzinfo=UTC)
        self._refreshing = asyncio.Lock()
        self._poller: asyncio.Task[None] | None = None

    @property
    def _pool(self) -> repo.Pool:
        return self._runtime.pool

    async def start(self) -> None:
        await self.cancelled.start(self._pool)
        await self.refresh()
        self._poller = asyncio.create_task(self._poll(), name="connections-poll")

    async def stop(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
        await self.cancelled.stop()
        for sender in self.senders.values():
            await sender.close()

    async def on_connection_updated(self, event: ConnectionUpdatedV1) -> None:
        if event.channel not in self.channels:
            return
        await repo.upsert_connection(self._pool, event)
        await self.refresh()

    async def on_cancel(self, event: CampaignCancelRequestedV1) -> None:
        await self.cancelled.add(self._pool, event.campaign_id, event.requested_at)
        log.info("campaign cancelled: its queued jobs will not be sent")

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self._poll_seconds)
            with contextlib.suppress(*TRANSIENT_ERRORS):
                await self.refresh()

    async def refresh(self) -> None:
        """Serve connections added or changed since the last look."""
        async with self._refreshing:
            changed = await repo.connections_changed_since(self._pool, self.channels, self._seen)
            for config in changed:
                await self._serve(config)
                self._seen = max(self._seen, config.updated_at)
            self.metrics.connections.set(len(self.senders))

    async def _serve(self, config: ConnectionConfig) -> None:
        sender = self.senders.get(config.key)
        if sender is not None:
            await sender.update(config)
            log.info("connection updated", connection_id=config.connection_id)
            return
        sender = ConnectionSender(
            config,
            pool=self._pool,
            client_factory=self._client_factory,
            policies=self._policies,
            reporter=Reporter(self._runtime.publisher, config.tenant_id, config.connection_id),
            cancelled=self.cancelled,
            metrics=self.metrics,
        )
        await sender.load_pause()
        self.senders[config.key] = sender
        await self._runtime.subscribe_now(
            Subscription(
                queue=dispatch_queue(self.name, config.tenant_id, config.connection_id),
                model=DispatchRequestedV1,
                handle=sender.handle,
                single_active_consumer=True,
                prefetch=2,
                log_fields=lambda _: {"connection_id": config.connection_id},
            )
        )
        log.info("serving connection", connection_id=config.connection_id, channel=config.channel)
