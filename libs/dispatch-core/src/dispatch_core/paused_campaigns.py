"""Campaigns paused: their jobs are held back (reported `deferred`, code
`campaign.paused`), neither sent nor cancelled, until the campaign is resumed
and the scheduler releases them again.

Whichever replica consumes a pause or a resume writes it down; every replica
re-reads the paused set from PostgreSQL every `refresh_seconds` (replacing its
own, so a resume reaches it too), so the one sending for a connection learns of
it within that time."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime
from uuid import UUID

from service_kit.retry import TRANSIENT_ERRORS, keep_running

from . import repo

PAUSED_CODE = "campaign.paused"
PAUSED_REASON = "the campaign is paused: this message goes when it is resumed"


class PausedCampaigns:
    def __init__(self, *, refresh_seconds: float = 1.0) -> None:
        self._ids: set[UUID] = set()
        self._pool: repo.Pool | None = None
        self._refresh_seconds = refresh_seconds
        self._task: asyncio.Task[None] | None = None

    def __contains__(self, campaign_id: object) -> bool:
        return campaign_id in self._ids

    async def set(self, pool: repo.Pool, campaign_id: UUID, paused: bool, at: datetime) -> None:
        """Write the change down, then read the set again (a later change may hold)."""
        await repo.set_campaign_paused(pool, campaign_id, paused, at)
        self._ids = await repo.paused_campaigns(pool)

    async def start(self, pool: repo.Pool) -> None:
        self._pool = pool
        self._ids = await repo.paused_campaigns(pool)
        self._task = asyncio.create_task(
            keep_running(self._refresh, what="read paused campaigns"), name="paused-campaigns"
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
                self._ids = await repo.paused_campaigns(self._pool)
