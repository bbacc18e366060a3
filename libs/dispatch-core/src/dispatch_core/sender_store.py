"""What a connection's sender reads and writes, as a protocol (its parts are
unit-tested with an in-memory one), and the PostgreSQL store that `repo` makes it."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from contracts.dispatch import DeliveryResult, DispatchJob

from . import repo


class SenderStore(Protocol):
    """One connection's rows: its inbox, its deliveries, its pause and its lease."""

    async def store_batch(self, digest: str, request: str, jobs: int) -> None:
        """Keep a batch of `jobs` jobs in the inbox (one of the same digest is kept once)."""
        ...

    async def next_batch(self, taken: list[int], parsed: list[str]) -> repo.InboxBatch | None:
        """The oldest batch not `taken`; without its message if its digest is `parsed`."""
        ...

    async def delete_batch(self, seq: int) -> None: ...

    async def seen(self, jobs: list[DispatchJob]) -> dict[repo.Key, repo.Seen]:
        """What the deliveries table holds of these jobs, by key."""
        ...

    async def record_and_claim(
        self, results: list[DeliveryResult], jobs: list[DispatchJob]
    ) -> repo.Written:
        """Record outcomes (only over deliveries still open) and claim deliveries
        (`sending`; only those not claimed or decided already)."""
        ...

    async def unclaim(self, job: DispatchJob) -> None:
        """A claimed delivery goes back to `claimed`: it was not sent."""
        ...

    async def current_pause(self, credentials: str) -> tuple[datetime, str] | None: ...

    async def pause(
        self, until: datetime, reason: str, credentials: str, *, bad_credentials: bool
    ) -> None: ...

    async def lift_pauses_of_other_credentials(self, credentials: str) -> None: ...

    async def hold_rate_limit(self, holder: UUID, until: datetime) -> None:
        """Written to the lease, so the next holder waits too."""
        ...


class PostgresSenderStore:
    """The connection's rows in the dispatcher's PostgreSQL tables (see `repo`)."""

    def __init__(self, pool: repo.Pool, key: tuple[str, str]) -> None:
        self._pool = pool
        self._key = key

    async def store_batch(self, digest: str, request: str, jobs: int) -> None:
        await repo.store_batch(self._pool, self._key, digest, request, jobs)

    async def next_batch(self, taken: list[int], parsed: list[str]) -> repo.InboxBatch | None:
        return await repo.next_batch(self._pool, self._key, taken, parsed)

    async def delete_batch(self, seq: int) -> None:
        await repo.delete_batch(self._pool, seq)

    async def seen(self, jobs: list[DispatchJob]) -> dict[repo.Key, repo.Seen]:
        return await repo.seen(self._pool, jobs)

    async def record_and_claim(
        self, results: list[DeliveryResult], jobs: list[DispatchJob]
    ) -> repo.Written:
        return await repo.record_and_claim(self._pool, self._key, results, jobs)

    async def unclaim(self, job: DispatchJob) -> None:
        await repo.unclaim(self._pool, job)

    async def current_pause(self, credentials: str) -> tuple[datetime, str] | None:
        return await repo.current_pause(self._pool, self._key, credentials)

    async def pause(
        self, until: datetime, reason: str, credentials: str, *, bad_credentials: bool
    ) -> None:
        await repo.pause(
            self._pool, self._key, until, reason, credentials, bad_credentials=bad_credentials
        )

    async def lift_pauses_of_other_credentials(self, credentials: str) -> None:
        await repo.lift_pauses_of_other_credentials(self._pool, self._key, credentials)

    async def hold_rate_limit(self, holder: UUID, until: datetime) -> None:
        await repo.hold_rate_limit(self._pool, self._key, holder, until)
