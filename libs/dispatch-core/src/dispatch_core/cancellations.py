"""Campaigns cancelled: their jobs still queued are reported cancelled, not sent.

Whichever replica consumes a cancel writes it down; every replica refreshes its
set from PostgreSQL every `refresh_seconds`, so the one sending for a connection
learns of it within that time."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime
from uuid import UUID

from service_kit.retry import TRANSIENT_ERRORS, keep_running

from . import repo


class CancelledCampaigns:
    def __init__(self, *, refresh_seconds: float = 1.0) -> None:
        self._ids: set[UUID] = set()
        self._pool: repo.Pool | None = None
        self._refresh_seconds = refresh_seconds
        self._task: asyncio.Task[None] | None = None

    def __contains__(self, campaign_id: object) -> bool:
        return campaign_id in self._ids

    async def add(self, pool: repo.Pool, campaign_id: UUID, at: datetime) -> None:
        await repo.add_cancelled(pool, campaign_id, at)
        self._ids.add(campaign_id)

    async def start(self, pool: repo.Pool) -> None:
        self._pool = pool
        self._ids = await repo.cancelled_campaigns(pool)
        self._task = asyncio.create_task(
            keep_running(self._refresh, what="read cancelled campaigns"), name="cancelled-campaigns"
        )

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _refresh(self) -> None:
        assert self._pool is not None
        while True:
            await asyncio.sleep(self._refresh_seconds)
            with contextlib.suppress(*TRANSIENT_ERRORS):
                self._ids |= await repo.cancelled_campaigns(self._pool)
