"""A connection's inbox: the batches of jobs (`dispatch.send.v1`) stored as they
arrive, read in order by the process that sends for the connection, and deleted
once every outcome of a batch is reported.

Any replica stores what it consumes (the broker message is acknowledged once it
is stored, so it is never redelivered while it is being sent); batches the
process that sends for the connection received itself are kept parsed (up to
`PARSED_KEPT`) so it need not parse them again."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from contracts.dispatch import DispatchJob, DispatchRequestedV1
from service_kit.logs import get_logger
from service_kit.retry import retry_transient

from . import repo
from .reporting import Reports
from .sender_store import SenderStore

log = get_logger(__name__)

PARSED_KEPT = 1
"""Batches of a connection kept parsed from their arrival until the sender takes
them: each saves parsing it again (about 6 us a job), and holds about 2.5 kB a job
meanwhile (2.5 MB for a batch of 1000), so only the next one is kept."""


@dataclass(frozen=True)
class Batch:
    """A batch of the inbox, read and parsed, with what the deliveries table held
    of its jobs when it was read."""

    seq: int
    digest: str
    jobs: list[DispatchJob]
    seen: dict[repo.Key, repo.Seen]


class Inbox:
    def __init__(self, store: SenderStore, reporter: Reports) -> None:
        self._store = store
        self._reporter = reporter
        self._arrived = asyncio.Event()
        self._taken: set[int] = set()
        self._retiring: set[int] = set()
        """Taken batches whose jobs have all started (`retire` is on them)."""
        self._parsed: dict[str, list[DispatchJob]] = {}
        """Jobs of batches this process received while it sent for the connection,
        by digest, until it takes them from the inbox."""

    async def store(self, request: DispatchRequestedV1, body: bytes, *, keep_parsed: bool) -> None:
        """Store a batch as it arrived (`body`, which `request` was read from), so a
        copy of the same message is stored once (`keep_parsed`: this process sends
        for the connection)."""
        digest = hashlib.sha256(body).hexdigest()
        await self._store.store_batch(digest, body.decode(), len(request.jobs))
        if keep_parsed and len(self._parsed) < PARSED_KEPT:
            self._parsed[digest] = request.jobs  # so the sender need not parse it again
        self._arrived.set()

    def wake(self) -> None:
        """Batches may be waiting (stored by another process)."""
        self._arrived.set()

    async def work(self, take: Callable[[Batch], Awaitable[None]]) -> None:
        """Hand every batch to `take`, in order, until cancelled; the next batch is
        read while `take` starts the jobs of one, so the sends at the seam between
        two batches do not wait for the database."""
        upcoming = asyncio.create_task(self._read_next())
        try:
            while True:
                batch = await upcoming
                upcoming = asyncio.create_task(self._read_next())
                await take(batch)
        finally:
            upcoming.cancel()
            await asyncio.gather(upcoming, return_exceptions=True)

    async def _read_next(self) -> Batch:
        """The next batch, taken (its jobs are this process's to start), with what
        the deliveries table holds of them."""
        found = await self._next_batch()
        self._taken.add(found.seq)
        jobs = self._parsed.pop(found.digest, None)
        if jobs is None:
            if found.request is None:  # dropped meanwhile (the lease changed hands)
                self._taken.discard(found.seq)
                return await self._read_next()
            jobs = DispatchRequestedV1.model_validate_json(found.request).jobs
        seen = await retry_transient(lambda: self._store.seen(jobs), what="read deliveries")
        return Batch(seq=found.seq, digest=found.digest, jobs=jobs, seen=seen)

    async def _next_batch(self) -> repo.InboxBatch:
        while True:
            self._arrived.clear()
            found = await retry_transient(
                lambda: self._store.next_batch(sorted(self._taken), list(self._parsed)),
                what="read the inbox",
            )
            if found is not None:
                return found
            await self._arrived.wait()

    def retire(self, batch: Batch, jobs: list[asyncio.Task[bool]]) -> Coroutine[Any, Any, None]:
        """Every job of the batch has started (`jobs`): the work, for a task of its
        own, that waits for them and, if they all ended here, reports their
        outcomes and deletes the batch."""
        self._retiring.add(batch.seq)
        return self._retire(batch, jobs)

    async def _retire(self, batch: Batch, jobs: list[asyncio.Task[bool]]) -> None:
        try:
            ended = await asyncio.gather(*jobs, return_exceptions=True)
            for failure in (e for e in ended if isinstance(e, BaseException)):
                log.error("a job failed unexpectedly", error=repr(failure))
            if all(e is True for e in ended):
                await self._reporter.flush()
                await retry_transient(
                    lambda: self._store.delete_batch(batch.seq), what="retire a batch"
                )
                # a copy of the message that arrived while the batch was being sent was
                # not stored again (the same digest), so nothing will take its jobs
                self._parsed.pop(batch.digest, None)
        finally:
            # a batch kept (not all ended here, or its retiring failed) is taken again
            self._taken.discard(batch.seq)
            self._retiring.discard(batch.seq)

    def untake_unstarted(self) -> None:
        """The work stopped on a failure: batches whose jobs had not all started are
        read again (their jobs already started are skipped: they are active)."""
        self._taken &= self._retiring

    def clear(self) -> None:
        """This process stops sending for the connection: it forgets what it took."""
        self._taken.clear()
        self._parsed.clear()
