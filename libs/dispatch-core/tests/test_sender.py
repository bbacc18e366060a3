"""A connection's sender with an in-memory store, platform and reporter (no broker,
no database): the guarantees of `dispatch_core.sender` one by one.

* a crash leaves at most `max_in_flight` deliveries `sending`, and the next
  holder reports those `unknown` and sends every other job once;
* a 429 is waited out, and the message then sent exactly once;
* transient failures are retried up to `max_attempts`, then fail with the reason;
* a campaign cancelled in the middle: what was not claimed is not sent;
* a campaign paused in the middle: what was not claimed is held back (`deferred`),
  and its next release, once resumed, is sent once;
* a lost lease (taken by another process, or not renewed): nothing more starts.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import pytest
from contracts.base import utc_now
from contracts.dispatch import DeliveryResult, DispatchJob, DispatchRequestedV1
from dispatch_core import repo
from dispatch_core.limits import DEFAULTS
from dispatch_core.metrics import DispatchMetrics
from dispatch_core.model import ConnectionConfig, RateLimited, Retry, SendOutcome, Sent
from dispatch_core.sender import ConnectionSender
from prometheus_client import CollectorRegistry
from service_kit.publishing import encode
from test_support.dispatching import text_job
from test_support.waiting import eventually

TENANT, CONNECTION = "t1", "bot-1"
FINAL = ("sent", "failed", "skipped", "cancelled", "unknown")


# the fakes


@dataclass
class Row:
    status: str
    attempts: int
    result: DeliveryResult | None = None


@dataclass
class MemoryStore:
    """The sender's tables in memory, as the SQL statements treat them."""

    inbox: list[repo.InboxBatch] = field(default_factory=list)
    rows: dict[repo.Key, Row] = field(default_factory=dict)
    most_sending: int = 0
    """The most deliveries `sending` after any write: what a crash then would leave."""
    claims: list[repo.Key] = field(default_factory=list)
    rate_limits: list[tuple[uuid.UUID, datetime]] = field(default_factory=list)
    claim_gate: asyncio.Event | None = None
    """While set and not open, claims wait for it (`claiming` then says so)."""
    claiming: bool = False
    _seq: int = 0

    def copy(self) -> MemoryStore:
        """What the tables hold now."""
        return MemoryStore(
            inbox=list(self.inbox), rows={key: replace(row) for key, row in self.rows.items()}
        )

    def sending(self) -> int:
        return sum(row.status == "sending" for row in self.rows.values())

    async def store_batch(self, digest: str, request: str, jobs: int) -> None:
        if all(batch.digest != digest for batch in self.inbox):
            self._seq += 1
            self.inbox.append(repo.InboxBatch(seq=self._seq, digest=digest, request=request))

    async def next_batch(self, taken: list[int], parsed: list[str]) -> repo.InboxBatch | None:
        for batch in self.inbox:
            if batch.seq not in taken:
                return replace(batch, request=None if batch.digest in parsed else batch.request)
        return None

    async def delete_batch(self, seq: int) -> None:
        self.inbox = [batch for batch in self.inbox if batch.seq != seq]

    async def seen(self, jobs: list[DispatchJob]) -> dict[repo.Key, repo.Seen]:
        return {
            repo.key_of(job): repo.Seen(status=row.status, result=row.result)
            for job in jobs
            if (row := self.rows.get(repo.key_of(job))) is not None
        }

    async def record_and_claim(
        self, results: list[DeliveryResult], jobs: list[DispatchJob]
    ) -> repo.Written:
        if jobs and self.claim_gate is not None:
            self.claiming = True
            await self.claim_gate.wait()
        written = repo.Written(recorded=set(), claimed={})
        for result in results:
            key = repo.key_of(result)
            row = self.rows.get(key)
            if row is None or row.status in ("claimed", "sending"):
                attempts = max(result.attempts, row.attempts if row else 0)
                self.rows[key] = Row(status=result.status, attempts=attempts, result=result)
                written.recorded.add(key)
        for job in jobs:
            key = repo.key_of(job)
            row = self.rows.get(key)
            if row is None:
                row = self.rows[key] = Row(status="sending", attempts=1)
            elif row.status == "claimed":
                row.status, row.attempts = "sending", row.attempts + 1
            else:
                continue
            written.claimed[key] = row.attempts
            self.claims.append(key)
        self.most_sending = max(self.most_sending, self.sending())
        return written

    async def unclaim(self, job: DispatchJob) -> None:
        row = self.rows.get(repo.key_of(job))
        if row is not None and row.status == "sending":
            row.status = "claimed"

    async def current_pause(self, credentials: str) -> tuple[datetime, str] | None:
        return None

    async def pause(
        self, until: datetime, reason: str, credentials: str, *, bad_credentials: bool
    ) -> None:
        pass

    async def lift_pauses_of_other_credentials(self, credentials: str) -> None:
        pass

    async def hold_rate_limit(self, holder: uuid.UUID, until: datetime) -> None:
        self.rate_limits.append((holder, until))


@dataclass
class Call:
    external_id: str
    at: float
    """When it was made (monotonic)."""


class Platform:
    """Answers each call after `wire_seconds`: the next scripted answer for that
    person, else `Sent`; `on_call` is told of every call as it is made."""

    def __init__(self, wire_seconds: float = 0.0) -> None:
        self.wire_seconds = wire_seconds
        self.script: dict[str, list[SendOutcome]] = {}
        self.calls: list[Call] = []
        self.delivered: list[str] = []
        self.on_call: Any = None

    def client(self, _: ConnectionConfig) -> Platform:
        return self

    def parts(self, _: DispatchJob) -> int:
        return 1

    async def send(self, job: DispatchJob, external_id: str, part: int = 0) -> SendOutcome:
        self.calls.append(Call(external_id, time.monotonic()))
        if self.on_call is not None:
            await self.on_call(len(self.calls))
        await asyncio.sleep(self.wire_seconds)
        answers = self.script.get(external_id)
        answer = answers.pop(0) if answers else Sent(platform_message_id=f"m{len(self.calls)}")
        if isinstance(answer, Sent):
            self.delivered.append(external_id)
        return answer

    async def close(self) -> None:
        pass


class Reports:
    def __init__(self) -> None:
        self.results: list[DeliveryResult] = []

    async def add(self, result: DeliveryResult) -> None:
        self.results.append(result)

    async def flush(self) -> None:
        pass

    async def close(self) -> None:
        pass

    def by_recipient(self) -> dict[int, DeliveryResult]:
        return {r.recipient_no: r for r in self.results}


class Backoff:
    """Sleeps no time, and remembers what it was asked to sleep."""

    def __init__(self) -> None:
        self.slept: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.slept.append(seconds)
        await asyncio.sleep(0)


# building one


def config(**limits: Any) -> ConnectionConfig:
    settings: dict[str, Any] = {
        "rate_per_second": None,
        "per_recipient_interval_seconds": 0,
        "max_in_flight": 1,
        **limits,
    }
    return ConnectionConfig(
        tenant_id=TENANT,
        connection_id=CONNECTION,
        channel="telegram_bot",
        limits=replace(DEFAULTS["telegram_bot"], **settings),
        first_used_at=None,
        updated_at=utc_now(),
        credentials={"token": "1:x"},
    )


@dataclass
class Setup:
    sender: ConnectionSender
    store: MemoryStore
    platform: Platform
    reports: Reports
    cancelled: set[uuid.UUID]
    backoff: Backoff
    paused: set[uuid.UUID] = field(default_factory=set)


def setup(
    store: MemoryStore | None = None, platform: Platform | None = None, **limits: Any
) -> Setup:
    store = store or MemoryStore()
    platform = platform or Platform()
    reports, cancelled, backoff = Reports(), set[uuid.UUID](), Backoff()
    paused = set[uuid.UUID]()
    sender = ConnectionSender(
        config(**limits),
        store=store,
        client_factory=platform.client,
        policies=[],
        reporter=reports,
        cancelled=cancelled,
        paused=paused,
        metrics=DispatchMetrics(CollectorRegistry()),
        sleep=backoff,
    )
    return Setup(sender, store, platform, reports, cancelled, backoff, paused)


def take_over(sender: ConnectionSender, *, seconds: float = 3600.0) -> None:
    lease = repo.Lease(
        key=(TENANT, CONNECTION),
        previous_holder=None,
        previous_expires_at=datetime.now(UTC),
        last_send_at=None,
        rate_limited_until=None,
    )
    sender.take_over(lease, uuid.uuid4(), time.monotonic() + seconds)


def jobs(campaign: uuid.UUID, count: int) -> list[DispatchJob]:
    return [text_job(campaign, n) for n in range(1, count + 1)]


def arrived(batch: list[DispatchJob]) -> tuple[DispatchRequestedV1, bytes]:
    """A batch as it arrives: the message read, and its body."""
    request = DispatchRequestedV1(
        tenant_id=TENANT, connection_id=CONNECTION, channel="telegram_bot", jobs=batch
    )
    return request, encode(request)


async def all_reported(reports: Reports, count: int) -> bool:
    return len(reports.by_recipient()) >= count


async def stop(sender: ConnectionSender) -> None:
    await sender.hand_back(wait_seconds=1)
    await sender.close(wait_seconds=1)


# the guarantees


@pytest.mark.parametrize("crash_at_call", [1, 2, 7, 20, 23, 38])
async def test_a_crash_leaves_at_most_max_in_flight_sending_and_the_next_holder_none_twice(
    crash_at_call: int,
) -> None:
    first = setup(platform=Platform(wire_seconds=0.003), max_in_flight=3)
    work = jobs(uuid.uuid4(), 40)
    died = asyncio.Event()
    left: list[MemoryStore] = []
    reported: list[DeliveryResult] = []

    async def die_at_the_call(calls: int) -> None:
        if calls == crash_at_call:  # the process dies here: nothing more is written
            left.append(first.store.copy())
            reported.extend(first.reports.results)
            died.set()
        if died.is_set():
            await asyncio.Event().wait()

    first.platform.on_call = die_at_the_call
    tasks_before = asyncio.all_tasks()
    take_over(first.sender)
    await first.sender.receive(*arrived(work[:20]))
    await first.sender.receive(*arrived(work[20:]))
    await asyncio.wait_for(died.wait(), 10)
    await _kill(asyncio.all_tasks() - tasks_before)
    store = left[0]
    left_sending = store.sending()
    assert 1 <= left_sending <= 3
    assert first.store.most_sending == 3  # the bound was reached, never passed

    second = setup(store, Platform(), max_in_flight=3)
    take_over(second.sender)
    second.sender.wake()
    await eventually(
        lambda: _at_least(len({r.recipient_no for r in [*reported, *second.reports.results]}), 40),
        what="every job reported",
    )
    await stop(second.sender)

    outcomes = {r.recipient_no: r.status for r in [*reported, *second.reports.results]}
    unknown = [n for n, status in outcomes.items() if status == "unknown"]
    assert len(unknown) == left_sending
    assert set(outcomes.values()) <= {"sent", "unknown"}
    sent_by_both = Counter(first.platform.delivered + second.platform.delivered)
    assert max(sent_by_both.values()) == 1  # nothing sent twice
    assert not {str(4000 + n) for n in unknown} & set(second.platform.delivered)
    assert store.inbox == []


async def test_a_429_is_waited_out_and_the_message_then_sent_exactly_once() -> None:
    s = setup()
    work = jobs(uuid.uuid4(), 3)
    s.platform.script[work[0].recipient.external_id] = [
        RateLimited(retry_after=0.3, code="429", reason="Too Many Requests")
    ]
    take_over(s.sender)
    await s.sender.receive(*arrived(work))
    await eventually(lambda: all_reported(s.reports, 3), what="every job reported")
    await stop(s.sender)

    first_person = work[0].recipient.external_id
    calls = [c for c in s.platform.calls if c.external_id == first_person]
    assert len(calls) == 2
    assert calls[1].at - calls[0].at >= 0.3  # the whole connection waited
    assert s.platform.delivered.count(first_person) == 1
    result = s.reports.by_recipient()[1]
    assert (result.status, result.attempts) == ("sent", 2)
    assert len(s.store.rate_limits) == 1  # the next holder would wait too
    assert [r.status for r in s.reports.results] == ["sent", "sent", "sent"]
    assert [c.external_id for c in s.platform.calls[1:]] == [
        j.recipient.external_id for j in work
    ]  # the others waited for it


async def test_transient_failures_are_retried_up_to_max_attempts_then_fail_with_the_reason() -> (
    None
):
    s = setup(max_attempts=3)
    work = jobs(uuid.uuid4(), 2)
    failing, recovering = (j.recipient.external_id for j in work)
    s.platform.script[failing] = [Retry(code="http.502", reason="Bad Gateway")] * 5
    s.platform.script[recovering] = [Retry(code="timeout", reason="no answer")] * 2
    take_over(s.sender)
    await s.sender.receive(*arrived(work))
    await eventually(lambda: all_reported(s.reports, 2), what="every job reported")
    await stop(s.sender)

    failed, sent = s.reports.by_recipient()[1], s.reports.by_recipient()[2]
    assert [c.external_id for c in s.platform.calls].count(failing) == 3
    assert (failed.status, failed.attempts, failed.error_code) == ("failed", 3, "http.502")
    assert failed.error_reason == "Bad Gateway (gave up after 3 attempts)"
    assert (sent.status, sent.attempts) == ("sent", 3)
    # the text the person got goes with the outcome, only when it was sent
    assert (sent.text, failed.text) == (work[1].content.text, None)  # type: ignore[union-attr]
    assert s.platform.delivered == [recovering]
    assert s.backoff.slept == [1.0, 2.0, 1.0, 2.0]


async def test_a_campaign_cancelled_in_the_middle_sends_nothing_it_had_not_claimed() -> None:
    s = setup(platform=Platform(wire_seconds=0.002), max_in_flight=3)
    campaign = uuid.uuid4()
    work = jobs(campaign, 30)
    claimed_before: list[repo.Key] = []

    async def cancel_at_the_fifth(calls: int) -> None:
        if calls == 5:
            s.cancelled.add(campaign)
            claimed_before.extend(s.store.claims)

    s.platform.on_call = cancel_at_the_fifth
    take_over(s.sender)
    await s.sender.receive(*arrived(work))
    await eventually(lambda: all_reported(s.reports, 30), what="every job reported")
    await stop(s.sender)

    outcomes = s.reports.by_recipient()
    claimed = {key[1] for key in claimed_before}
    sent = {n for n, r in outcomes.items() if r.status == "sent"}
    cancelled = {n for n, r in outcomes.items() if r.status == "cancelled"}
    assert sent <= claimed  # nothing claimed after the cancel went out
    assert cancelled == set(range(1, 31)) - sent
    assert len(cancelled) >= 30 - 5 - 3
    assert {c.external_id for c in s.platform.calls} == {str(4000 + n) for n in sent}
    assert outcomes[30].error_code == "campaign.cancelled"


async def test_a_campaign_paused_in_the_middle_holds_back_the_rest_and_sends_it_once_resumed() -> (
    None
):
    s = setup(platform=Platform(wire_seconds=0.002), max_in_flight=3)
    campaign = uuid.uuid4()
    work = jobs(campaign, 30)
    claimed_before: list[repo.Key] = []

    async def pause_at_the_fifth(calls: int) -> None:
        if calls == 5:
            s.paused.add(campaign)
            claimed_before.extend(s.store.claims)

    s.platform.on_call = pause_at_the_fifth
    take_over(s.sender)
    await s.sender.receive(*arrived(work))
    await eventually(lambda: all_reported(s.reports, 30), what="every job reported")
    outcomes = s.reports.by_recipient()
    sent = {n for n, r in outcomes.items() if r.status == "sent"}
    held = {n for n, r in outcomes.items() if r.status == "deferred"}
    assert sent <= {key[1] for key in claimed_before}
    assert held == set(range(1, 31)) - sent
    assert {(r.error_code, r.retry_at) for r in outcomes.values() if r.status == "deferred"} == {
        ("campaign.paused", None)
    }

    # resumed: the scheduler releases the held ones again, and each goes once
    s.paused.discard(campaign)
    s.reports.results.clear()
    await s.sender.receive(*arrived([job for job in work if job.recipient_no in held]))
    await eventually(lambda: all_reported(s.reports, len(held)), what="the rest reported")
    await stop(s.sender)
    assert {n for n, r in s.reports.by_recipient().items() if r.status == "sent"} == held
    assert sorted(s.platform.delivered) == sorted(str(4000 + n) for n in range(1, 31))


async def test_a_retry_of_a_paused_campaign_waits_unclaimed_and_goes_once_resumed() -> None:
    s = setup()
    campaign = uuid.uuid4()
    [job] = jobs(campaign, 1)
    s.platform.script[job.recipient.external_id] = [Retry(code="http.502", reason="Bad Gateway")]

    async def pause_after_the_failure(calls: int) -> None:
        s.paused.add(campaign)

    s.platform.on_call = pause_after_the_failure
    take_over(s.sender)
    await s.sender.receive(*arrived([job]))
    await eventually(lambda: all_reported(s.reports, 1), what="the job held back")
    assert s.reports.results[0].status == "deferred"
    assert s.store.rows[repo.key_of(job)].status == "claimed"  # not 'unknown' on a restart

    s.paused.discard(campaign)
    s.platform.on_call = None
    s.reports.results.clear()
    await s.sender.receive(*arrived([job]))
    await eventually(lambda: all_reported(s.reports, 1), what="the job sent")
    await stop(s.sender)
    assert s.reports.results[0].status == "sent"
    assert s.platform.delivered == [job.recipient.external_id]


async def test_a_lost_lease_stops_the_sending() -> None:
    s = setup(platform=Platform(wire_seconds=0.005), max_in_flight=2)
    work = jobs(uuid.uuid4(), 40)
    take_over(s.sender)
    await s.sender.receive(*arrived(work))
    await eventually(lambda: _at_least(len(s.platform.calls), 5), what="calls made")

    await s.sender.lose()  # another process took the lease
    calls_when_lost = len(s.platform.calls)
    await asyncio.sleep(0.2)
    await stop(s.sender)

    assert len(s.platform.calls) == calls_when_lost
    assert calls_when_lost < 40
    assert all(r.status == "sent" for r in s.reports.results)
    assert s.store.sending() == 0  # those in flight were recorded
    assert len(s.store.inbox) == 1  # the rest is the next holder's


async def test_a_lease_lost_while_a_claim_is_written_sends_nothing_and_unclaims_it() -> None:
    s = setup()
    s.store.claim_gate = asyncio.Event()
    take_over(s.sender)
    await s.sender.receive(*arrived(jobs(uuid.uuid4(), 3)))
    await eventually(lambda: _at_least(s.store.claiming, True), what="a claim being written")

    await s.sender.lose()
    s.store.claim_gate.set()  # the claim is written after the lease was lost
    await eventually(lambda: _at_least(len(s.store.claims), 1), what="the claim written")
    await asyncio.sleep(0.1)
    await stop(s.sender)

    assert s.platform.calls == []
    assert [row.status for row in s.store.rows.values()] == ["claimed"]  # not sent: unclaimed
    assert s.reports.results == []


async def test_a_lease_not_renewed_stops_the_sending_until_it_is() -> None:
    s = setup(platform=Platform(wire_seconds=0.005), max_in_flight=2)
    work = jobs(uuid.uuid4(), 40)
    take_over(s.sender, seconds=0.1)
    await s.sender.receive(*arrived(work))
    await asyncio.sleep(0.3)  # the lease ran out meanwhile
    calls_then = len(s.platform.calls)
    await asyncio.sleep(0.2)
    assert len(s.platform.calls) == calls_then
    assert calls_then < 40

    s.sender.extend(time.monotonic() + 3600)  # renewed
    await eventually(lambda: all_reported(s.reports, 40), what="every job reported")
    await stop(s.sender)
    assert sorted(s.platform.delivered) == sorted(j.recipient.external_id for j in work)


async def _at_least(value: int, least: int) -> bool:
    return value >= least


async def _kill(tasks: set[asyncio.Task[Any]]) -> None:
    """Stop the sender's tasks (what they write on their way out is not looked at)."""
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def test_a_batch_is_stored_as_it_arrived_and_a_copy_of_it_once() -> None:
    s = setup()  # not sending for the connection: the batch stays in the inbox
    request, body = arrived(jobs(uuid.uuid4(), 3))
    as_sent = body.replace(b'{"', b'{ "')  # how another publisher might have written it
    await s.sender.receive(request, as_sent)
    await s.sender.receive(request, as_sent)  # the broker delivered it again

    assert [batch.request for batch in s.store.inbox] == [as_sent.decode()]
