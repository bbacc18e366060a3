"""Erasing the texts that were sent once they are older than the retention
(`DELIVERY_TEXT_RETENTION_DAYS` after their delivery finished): a background
loop that erases them in statements of `DELIVERY_TEXT_ERASE_BATCH` deliveries,
one after another until none is left, then sleeps for the interval.  Replicas
may run it together: each statement skips the rows another one holds."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta

from contracts.base import utc_now
from prometheus_client import Counter
from service_kit.logs import get_logger
from service_kit.loops import Loop
from service_kit.runtime import ServiceRuntime

from .repo import deliveries as deliveries_repo
from .settings import Settings

log = get_logger(__name__)


class TextRetention:
    def __init__(
        self,
        runtime: ServiceRuntime,
        settings: Settings,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._runtime = runtime
        self._retention = timedelta(days=settings.delivery_text_retention_days)
        self._interval = settings.delivery_text_erase_interval_seconds
        self._batch = settings.delivery_text_erase_batch
        self._clock = clock
        self._loop = Loop(self._pass, what="text retention")
        self._erased = Counter(
            "campaign_api_delivery_texts_erased",
            "Texts of deliveries erased for their age (DELIVERY_TEXT_RETENTION_DAYS)",
            registry=runtime.registry,
        )
        runtime.add_health_check("text_retention", self.alive)

    def alive(self) -> bool:
        """The loop runs (or was not started yet)."""
        return not self._loop.ended

    async def erase_expired(self) -> int:
        """Erase every text older than the retention now; answers how many."""
        before = self._clock() - self._retention
        total = 0
        while True:
            erased = await deliveries_repo.erase_texts(self._runtime.pool, before, self._batch)
            total += erased
            if erased < self._batch:
                break
        if total:
            self._erased.inc(total)
            log.info("texts past their retention erased", count=total, finished_before=before)
        return total

    async def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

    async def _pass(self) -> None:
        await self.erase_expired()
        await asyncio.sleep(self._interval)
