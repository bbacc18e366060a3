"""The gauges read from the database: campaigns by state, deliveries waiting and
due, and stalled campaigns, sampled every `metrics_sample_seconds` by one query
that takes no lock (off the release path).

A campaign that becomes stalled is logged once (`campaign.stalled`, with its id)
until it moves again; each replica samples, so each logs it."""

from __future__ import annotations

import asyncio
from uuid import UUID

from service_kit.logs import get_logger
from service_kit.loops import Loop
from service_kit.runtime import ServiceRuntime

from .metrics import SchedulerMetrics
from .repo import figures as figures_repo
from .settings import Settings

log = get_logger(__name__)


class GaugeSampler:
    def __init__(
        self, runtime: ServiceRuntime, settings: Settings, metrics: SchedulerMetrics
    ) -> None:
        self._runtime = runtime
        self._settings = settings
        self._metrics = metrics
        self._stalled: set[UUID] = set()
        """Campaigns stalled at the last sample (logged when they became so)."""
        self._loop = Loop(self._every, what="scheduler gauges")

    async def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

    async def _every(self) -> None:
        while True:
            await self.sample()
            await asyncio.sleep(self._settings.metrics_sample_seconds)

    async def sample(self) -> None:
        """Read the figures once and set the gauges; log campaigns newly stalled."""
        figures = await figures_repo.read(self._runtime.pool, self._settings.stall_after_seconds)
        for state, count in figures.campaigns.items():
            self._metrics.campaigns.labels(state).set(count)
        self._metrics.deliveries_waiting.set(figures.waiting)
        self._metrics.deliveries_due.set(figures.due)
        self._metrics.campaigns_stalled.set(len(figures.stalled))
        stalled = set(figures.stalled)
        for campaign_id in sorted(stalled - self._stalled):
            log.warning(
                "campaign.stalled",
                campaign_id=str(campaign_id),
                stalled_for_seconds=self._settings.stall_after_seconds,
            )
        self._stalled = stalled
