"""A set of campaign ids kept in PostgreSQL that every replica holds in memory
and re-reads every `refresh_seconds`: whichever replica consumes a change writes
it down, and the one sending for a connection learns of it within that time.
The cancelled and the paused campaigns are two such sets."""

from __future__ import annotations

import asyncio
import contextlib
from uuid import UUID

from service_kit.loops import Loop
from service_kit.retry import TRANSIENT_ERRORS

from . import repo


class RereadCampaigns:
    """The set; a subclass says how it is read and how a read joins what is held."""

    what = "campaigns"

    def __init__(self, *, refresh_seconds: float = 1.0) -> None:
        self._ids: set[UUID] = set()
        self._pool: repo.Pool | None = None
        self._refresh_seconds = refresh_seconds
        self._loop = Loop(self._refresh, what=f"read {self.what}")

    def __contains__(self, campaign_id: object) -> bool:
        return campaign_id in self._ids

    async def _read(self, pool: repo.Pool) -> set[UUID]:
        raise NotImplementedError

    def _joined(self, read: set[UUID]) -> set[UUID]:
        """What is held after a read (by default: what was read)."""
        return read

    async def start(self, pool: repo.Pool) -> None:
        self._pool = pool
        self._ids = await self._read(pool)
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

    async def _refresh(self) -> None:
        assert self._pool is not None
        while True:
            await asyncio.sleep(self._refresh_seconds)
            with contextlib.suppress(*TRANSIENT_ERRORS):
                self._ids = self._joined(await self._read(self._pool))
