"""A connection's inbox: the batches of jobs (`dispatch.send.v1`) stored as they
arrive, read in order by the process that sends for the connection, and deleted
once every outcome of a batch is reported.

Any replica stores what it consumes (the broker message is acknowledged once it
is stored, so it is never redelivered while it is being sent); batches the
process that sends for the connection received itself are kept parsed (up to
`PARSED_KEPT`) so it need not parse them again.

A parsed job is about 3 kB (400 bytes of JSON), so what the sender holds parsed is
bounded: a batch lets go of each job as it is started (the job's path holds it from
then on), the next batch is read only once the one being started has `READ_AHEAD`
jobs left, and a batch being retired holds none of its jobs."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from typing import Any

from contracts.dispatch import DispatchJob, DispatchRequestedV1
from pydantic import BaseModel
from service_kit.logs import get_logger
from service_kit.retry import retry_transient

from . import repo
from .reporting import Reports
from .sender_store import SenderStore

log = get_logger(__name__)

PARSED_KEPT = 1
"""Batches of a connection kept parsed from their arrival until the sender takes
them: each saves parsing it again (about 6 us a job), and holds about 3 kB a job
meanwhile (3 MB for a batch of 1000), so only the next one is kept."""

READ_AHEAD = 200
"""The next batch is read (and parsed) once the batch being started has this many
jobs left to start: early enough that the sends at the seam between two batches do
not wait for the database (a fifth of a second at 1000 messages a second), late
enough that two whole batches are not held parsed at once."""


def share_fields_set(jobs: list[DispatchJob]) -> list[DispatchJob]:
    """`jobs`, each of whose models (the job, its recipient, its content) shares
    the set of the fields given (`model_fields_set`) with the model before it when
    the two sets are equal: a set of eight names is 728 bytes, three a job, half of
    what a parsed job holds.  The models are frozen, and pydantic copies the set
    before it changes it (`model_copy`), so no model sees another's set change."""
    shared = {"job": set[str](), "recipient": set[str](), "content": set[str]()}
    for job in jobs:
        _share(job, shared, "job")
        _share(job.recipient, shared, "recipient")
        _share(job.content, shared, "content")
    return jobs


def _share(model: BaseModel, shared: dict[str, set[str]], part: str) -> None:
    given = model.__pydantic_fields_set__
    if given == shared[part]:
        object.__setattr__(model, "__pydantic_fields_set__", shared[part])
    else:
        shared[part] = given


@dataclass(frozen=True)
class Batch:
    """A batch of the inbox, read and parsed, with what the deliveries table held
    of its jobs when it was read.  Its jobs are handed out once, in order
    (`unstarted`)."""

    seq: int
    digest: str
    jobs: list[DispatchJob]
    """Its jobs not yet handed out, the last first."""
    seen: dict[repo.Key, repo.Seen]
    near_end: Callable[[], None] = field(default=lambda: None, repr=False)
    """Called as each of its last `READ_AHEAD` jobs is handed out."""

    @classmethod
    def of(
        cls,
        seq: int,
        digest: str,
        jobs: list[DispatchJob],
        seen: dict[repo.Key, repo.Seen],
        near_end: Callable[[], None] = lambda: None,
    ) -> Batch:
        """The batch of `jobs`, in their order (the list is the batch's from now on)."""
        jobs.reverse()
        return cls(seq, digest, jobs, seen, near_end)

    def unstarted(self) -> Iterator[tuple[DispatchJob, repo.Seen | None]]:
        """Each job not yet handed out, in order, with what the deliveries table held
        of it; the batch lets go of it as it is handed out."""
        while self.jobs:
            if len(self.jobs) <= READ_AHEAD:
                self.near_end()
            job = self.jobs.pop()
            yield job, self.seen.pop(repo.key_of(job), None)


@dataclass(frozen=True)
class _Retiring:
    seq: int
    digest: str


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
            # so the sender need not parse it again
            self._parsed[digest] = share_fields_set(request.jobs)
        self._arrived.set()

    def wake(self) -> None:
        """Batches may be waiting (stored by another process)."""
        self._arrived.set()

    async def work(self, take: Callable[[Batch], Awaitable[None]]) -> None:
        """Hand every batch to `take`, in order, until cancelled; the next batch is
        read while `take` starts the last `READ_AHEAD` jobs of one, so the sends at
        the seam between two batches do not wait for the database."""
        upcoming: asyncio.Task[Batch] | None = None

        def read_ahead() -> None:
            nonlocal upcoming
            if upcoming is None:
                upcoming = asyncio.create_task(self._read_next(read_ahead))

        try:
            while True:
                read_ahead()
                assert upcoming is not None
                batch = await upcoming
                upcoming = None
                await take(batch)
        finally:
            if upcoming is not None:
                upcoming.cancel()
                await asyncio.gather(upcoming, return_exceptions=True)

    async def _read_next(self, near_end: Callable[[], None]) -> Batch:
        """The next batch, taken (its jobs are this process's to start), with what
        the deliveries table holds of them."""
        found = await self._next_batch()
        self._taken.add(found.seq)
        jobs = self._parsed.pop(found.digest, None)
        if jobs is None:
            if found.request is None:  # dropped meanwhile (the lease changed hands)
                self._taken.discard(found.seq)
                return await self._read_next(near_end)
            jobs = share_fields_set(DispatchRequestedV1.model_validate_json(found.request).jobs)
        seen = await retry_transient(lambda: self._store.seen(jobs), what="read deliveries")
        return Batch.of(found.seq, found.digest, jobs, seen, near_end)

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
        outcomes and deletes the batch (it holds only the batch's number and
        digest, not its jobs)."""
        self._retiring.add(batch.seq)
        return self._retire(_Retiring(batch.seq, batch.digest), jobs)

    async def _retire(self, batch: _Retiring, jobs: list[asyncio.Task[bool]]) -> None:
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
