"""Claims and outcomes of one connection's deliveries, written together: the
claims and outcomes of messages going out at once share one statement
(`GroupWriter`), so the database pays per round trip, not per message.  An
outcome is written before any claim queued after it, and waits (at most
`OUTCOME_LINGER`) for the next claim, to go in its statement."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from contracts.dispatch import DeliveryResult, DispatchJob
from service_kit.retry import retry_transient

from . import repo
from .group_writes import GroupWriter
from .sender_store import SenderStore

Item = DispatchJob | DeliveryResult

OUTCOME_LINGER = 0.05
"""How long an outcome may wait for a claim to share its statement: its slot is
free already, and its report waits for it (reports go out a second apart at most)."""


class DeliveryWrites:
    def __init__(self, store: SenderStore, *, written: Callable[[int], None]) -> None:
        """`written` is told how many claims and outcomes each statement wrote."""
        self._store = store
        self._writes: GroupWriter[Item, int | None] = GroupWriter(
            self._write_many,
            what="write deliveries",
            abandoned=self._unclaim_abandoned,
            written=written,
            may_wait=_is_outcome,
            linger=OUTCOME_LINGER,
        )

    async def claim(self, job: DispatchJob) -> int | None:
        """Claim a delivery about to be sent (`sending`): its attempt number, or None
        when it is not this process's to send (another had it first, or it is
        decided already).  A claim whose caller is cancelled is undone."""
        return await self._writes.submit(job)

    def record(self, result: DeliveryResult) -> asyncio.Future[int | None]:
        """Record an outcome; the future answers None if another process recorded
        the delivery first."""
        return self._writes.enqueue(result)

    async def unclaim(self, job: DispatchJob) -> None:
        """A claimed delivery that was not sent goes back to `claimed`."""
        await retry_transient(lambda: self._store.unclaim(job), what="unclaim a delivery")

    async def _write_many(self, items: list[Item]) -> list[int | None]:
        """Outcomes and claims in one statement: an outcome answers 0 once recorded,
        a claim its attempt number; None: another process had it first."""
        written = await self._store.record_and_claim(
            [item for item in items if isinstance(item, DeliveryResult)],
            [item for item in items if isinstance(item, DispatchJob)],
        )
        return [
            written.claimed.get(repo.key_of(item))
            if isinstance(item, DispatchJob)
            else (0 if repo.key_of(item) in written.recorded else None)
            for item in items
        ]

    async def _unclaim_abandoned(self, written: list[tuple[Item, int | None]]) -> None:
        """Claims whose sender was cancelled before its call: never sent."""
        for item, attempt in written:
            if isinstance(item, DispatchJob) and attempt is not None:
                await self.unclaim(item)


def _is_outcome(item: Item) -> bool:
    return isinstance(item, DeliveryResult)
