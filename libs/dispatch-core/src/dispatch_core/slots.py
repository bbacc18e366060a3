"""A connection's in-flight slots: at most `limit` of its messages between their
claim and their recorded outcome, which is what bounds the deliveries a crash
can leave `sending` (reported `unknown` by the next holder)."""

from __future__ import annotations

import asyncio


class Slots:
    """One task acquires at a time: the inbox is worked in order."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.in_use = 0
        self._freed = asyncio.Event()

    async def acquire(self) -> None:
        while self.in_use >= self.limit:
            self._freed.clear()
            await self._freed.wait()
        self.in_use += 1

    def release(self) -> None:
        self.in_use -= 1
        self._freed.set()

    def resize(self, limit: int) -> None:
        self.limit = limit
        self._freed.set()
