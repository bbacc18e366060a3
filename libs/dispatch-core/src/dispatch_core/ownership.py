"""Whether this process sends for a connection: it holds the connection's lease
(the dispatcher renews it), and every step of a message checks so before it goes
on.  A step that is only waiting (a turn, a backoff, a renewal) is cancelled by a
stopping process: nothing of it is on the wire."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from service_kit.loops import wait_until_set
from service_kit.retry import retry_transient

from .sender_store import SenderStore

T = TypeVar("T")


class LeaseLost(Exception):
    """This process no longer sends for the connection (or is stopping)."""


class Ownership:
    def __init__(self, store: SenderStore, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._store = store
        self._clock = clock
        self.holder: UUID | None = None
        """This process's slot as the lease's holder, once it took the lease."""
        self.owning = False
        self._owned_until = 0.0
        self._renewed = asyncio.Event()
        self._waiting: set[asyncio.Task[Any]] = set()

    def take(self, holder: UUID, valid_until: float) -> None:
        self.holder = holder
        self.owning = True
        self.extend(valid_until)

    def extend(self, valid_until: float) -> None:
        """The lease was renewed: sending may go on until `valid_until` (monotonic)."""
        self._owned_until = valid_until
        self._renewed.set()

    def give_up(self) -> None:
        """Start nothing more (the lease is lost, or the process stops)."""
        self.owning = False
        self._renewed.set()

    async def until_owned(self) -> None:
        """Return while this process may send for the connection; wait while its
        lease awaits renewal; raise LeaseLost once it is gone."""
        while True:
            if not self.owning:
                raise LeaseLost
            if self._clock() < self._owned_until:
                return
            self._renewed.clear()
            await wait_until_set(self._renewed, 1.0)

    async def waited(self, waiting: Coroutine[Any, Any, T]) -> T:
        """Await something that is not a call (a stopping process cancels it);
        LeaseLost at once if this process no longer sends for the connection."""
        task = asyncio.current_task()
        assert task is not None
        if not self.owning:
            waiting.close()
            raise LeaseLost
        self._waiting.add(task)
        try:
            return await waiting
        finally:
            self._waiting.discard(task)

    def cancel_waiting(self) -> None:
        """Cancel the steps that are only waiting (the process is stopping)."""
        for task in self._waiting:
            task.cancel()

    async def hold_rate_limit(self, until: datetime) -> None:
        """Write the platform's wait to the lease: whichever process sends for the
        connection next waits too."""
        holder = self.holder
        if holder is not None:
            await retry_transient(
                lambda: self._store.hold_rate_limit(holder, until), what="record a rate limit"
            )
