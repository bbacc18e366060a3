"""What a connection's inbox holds parsed while its jobs are sent: a batch lets go
of each job as it is handed out, the next batch is read only near the end of the
one being started, a batch being retired holds none of its jobs, and parsed jobs
share their sets of given fields."""

from __future__ import annotations

import asyncio
import gc
import uuid
import weakref

from contracts.dispatch import DeliveryResult, DispatchJob, DispatchRequestedV1
from dispatch_core import repo
from dispatch_core.inbox import READ_AHEAD, Batch, Inbox, share_fields_set
from test_support.dispatching import text_job


class Store:
    """The inbox table in memory; counts the reads of the next batch."""

    def __init__(self) -> None:
        self.batches: list[repo.InboxBatch] = []
        self.reads = 0

    async def store_batch(self, digest: str, request: str, jobs: int) -> None:
        seq = len(self.batches) + 1
        self.batches.append(repo.InboxBatch(seq=seq, digest=digest, request=request))

    async def next_batch(self, taken: list[int], parsed: list[str]) -> repo.InboxBatch | None:
        self.reads += 1
        return next((b for b in self.batches if b.seq not in taken), None)

    async def seen(self, jobs: list[DispatchJob]) -> dict[repo.Key, repo.Seen]:
        return {}

    async def delete_batch(self, seq: int) -> None:
        self.batches = [b for b in self.batches if b.seq != seq]


class Reports:
    async def add(self, result: DeliveryResult) -> None: ...

    async def flush(self) -> None: ...

    async def close(self) -> None: ...


def jobs(count: int) -> list[DispatchJob]:
    campaign = uuid.uuid4()
    return [text_job(campaign, n) for n in range(1, count + 1)]


def request(batch: list[DispatchJob]) -> DispatchRequestedV1:
    return DispatchRequestedV1(
        tenant_id="t1", connection_id="bot-1", channel="telegram_bot", jobs=batch
    )


def test_a_batch_hands_out_each_job_once_in_order_and_lets_go_of_it() -> None:
    made = jobs(5)
    seen = {repo.key_of(made[2]): repo.Seen(status="sending", result=None)}
    near_end: list[int] = []
    batch = Batch.of(1, "d", list(made), dict(seen), lambda: near_end.append(len(batch.jobs)))
    handed = []
    for job, before in batch.unstarted():
        assert job not in batch.jobs  # the batch holds only what it has not handed out
        handed.append((job, before))
    assert [job for job, _ in handed] == made
    assert [before for _, before in handed] == [None, None, seen[repo.key_of(made[2])], None, None]
    assert batch.jobs == []
    assert batch.seen == {}
    assert near_end == [5, 4, 3, 2, 1]  # fewer than READ_AHEAD: from the first job on


async def test_the_next_batch_is_read_only_once_the_one_started_has_read_ahead_jobs_left() -> None:
    store = Store()
    inbox = Inbox(store, Reports())
    for batch in (request(jobs(READ_AHEAD + 50)), request(jobs(10))):
        await inbox.store(batch, batch.model_dump_json().encode(), keep_parsed=False)
    reads_by_left: dict[int, int] = {}
    taken = asyncio.Event()

    async def take(batch: Batch) -> None:
        for _ in batch.unstarted():
            await asyncio.sleep(0)  # the read ahead runs meanwhile
            reads_by_left.setdefault(len(batch.jobs), store.reads)
        if batch.seq == 2:
            taken.set()

    working = asyncio.create_task(inbox.work(take))
    await asyncio.wait_for(taken.wait(), 10)
    working.cancel()
    await asyncio.gather(working, return_exceptions=True)
    assert {reads_by_left[left] for left in range(READ_AHEAD, READ_AHEAD + 50)} == {1}
    assert reads_by_left[READ_AHEAD - 1] == 2


async def test_a_batch_being_retired_holds_none_of_its_jobs() -> None:
    inbox = Inbox(Store(), Reports())
    batch = Batch.of(1, "d", jobs(3), {})
    held = weakref.ref(batch)
    last_job = asyncio.get_running_loop().create_future()
    retiring = asyncio.create_task(inbox.retire(batch, [last_job]))
    del batch
    await asyncio.sleep(0)
    gc.collect()
    assert held() is None, "the retiring work holds the batch (and its jobs)"
    last_job.set_result(True)
    await retiring


def test_jobs_share_equal_sets_of_given_fields_and_stay_what_they_were() -> None:
    made = jobs(3)
    dumped = [job.model_dump_json(exclude_unset=True) for job in made]
    shared = share_fields_set(made)
    assert shared is made
    assert made[0].__pydantic_fields_set__ is made[2].__pydantic_fields_set__
    assert made[0].recipient.__pydantic_fields_set__ is made[2].recipient.__pydantic_fields_set__
    assert [job.model_dump_json(exclude_unset=True) for job in made] == dumped
    changed = made[0].model_copy(update={"fallback_reason": "timeout"})
    assert "fallback_reason" in changed.model_fields_set
    assert "fallback_reason" not in made[1].model_fields_set
