"""One connection's sender: takes its jobs in order and sends each at most once.

Jobs arrive in batches (`dispatch.send.v1`); each batch is stored in the inbox
table and acknowledged at once (`receive`), so however long sending takes, the
broker never times the message out and redelivers it while it is being sent.
The process that holds the connection's lease (see `dispatcher`) works the
inbox in order:

1. It waits for an in-flight slot (at most `max_in_flight` per connection).
2. Without any call, it may end here: its campaign was cancelled, the
   connection was removed or is paused, or one of the channel's policies skips
   it (recorded `skipped` with the rule's name) or defers it (a rate such as a
   daily cap: reported `deferred` with the time it may go, and not recorded
   here, so the scheduler's next release of it is sent like a new job).
   Otherwise it waits for its turn (pacing), less `CLAIM_LEAD`.
3. Right before every call, the first and each retry alike, it checks again
   that it may go: this process still sends for the connection, the campaign
   is not cancelled, the connection is not paused (and, after a wait of a
   second or more, the policies); then it is claimed in PostgreSQL (`sending`),
   waits out the rest of its turn (what of `CLAIM_LEAD` the claim left) and
   goes to the platform.  Claims of messages going out together are written
   in one statement (`GroupWriter`), so the database pays per round trip, not
   per message.
4. Its outcome is recorded (again grouped), then reported, then the slot is
   freed; a batch leaves the inbox once all its outcomes are reported.

What a crash can leave: a delivery is `sending` only from its claim (made at
most `CLAIM_LEAD` before the call) until its outcome is recorded, and the claim
is made while the message holds one of the connection's `max_in_flight` slots.
So a process killed at any moment leaves at most `max_in_flight` deliveries per
connection `sending`, each of which was on the wire (or had just been answered,
or had failed in a way that may have delivered it: a timeout, a 5xx; or was
about to leave, within `CLAIM_LEAD`); the process that takes the connection
over reports exactly those as `unknown` and never sends them again.  Every
other job is sent by it as if nothing happened: those still in the inbox, and
those the platform had refused for its rate (a 429 proves the message was not
delivered, so it goes back to `claimed` while it waits).

A 429 pauses the whole connection for `retry_after` (or the platform's backoff)
and the message is sent again, however many times that takes; transient
failures are retried with backoff up to `max_attempts`; a restricted account
pauses the connection (until new credentials or the pause's end) and fails
what it cannot send.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from uuid import UUID

from contracts.base import utc_now
from contracts.dispatch import DeliveryResult, DispatchJob, DispatchRequestedV1
from contracts.tenants import credentials_digest as digest_of_credentials
from service_kit.logs import get_logger
from service_kit.retry import keep_running, retry_transient

from . import repo
from .cancellations import CancelledCampaigns
from .group_writes import GroupWriter
from .metrics import DispatchMetrics
from .model import (
    ConnectionBlocked,
    ConnectionConfig,
    Defer,
    Failed,
    RateLimited,
    Redirect,
    Retry,
    Sent,
)
from .pacing import Booking, PacerState, SendPacer
from .ports import ClientFactory, Clock, PlatformClient, Policy
from .reporting import Reporter
from .results import CANCELLED_REASON, UNKNOWN_REASON, backoff_seconds, outcome

log = get_logger(__name__)

T = TypeVar("T")

RECHECK_POLICIES_AFTER_SECONDS = 1.0
"""A job that waited this long since its policies were checked is checked again."""
MAX_REDIRECTS = 3
"""Chat moves (a group upgraded to a supergroup) followed for one message."""
CLAIM_LEAD = 0.01
"""How long before its turn a message is claimed, so that the database's round
trip (a few ms, longer on a busy machine) does not delay the call: a fast
connection's window guard counts each second from the calls of a second before,
so every such delay would lower its rate for good."""
PARSED_KEPT = 16
"""Batches kept parsed from their arrival until the sender takes them (about 16 s
of a 1000/s connection, 1000 jobs a batch): each saves parsing it again."""
HAND_BACK_SECONDS = 10.0
"""How long a stopping process waits for its calls in progress to be answered."""


class LeaseLost(Exception):
    """This process no longer sends for the connection (or is stopping)."""


def credentials_digest(config: ConnectionConfig) -> str:
    """Tells one set of credentials from another, without keeping the secret."""
    return digest_of_credentials(config.credentials)


class Slots:
    """At most `limit` messages of the connection between claim and recorded
    outcome (one task acquires at a time: the inbox is worked in order)."""

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


class ConnectionSender:
    def __init__(
        self,
        config: ConnectionConfig,
        *,
        pool: repo.Pool,
        client_factory: ClientFactory,
        policies: Sequence[Policy],
        reporter: Reporter,
        cancelled: CancelledCampaigns,
        metrics: DispatchMetrics,
        clock: Clock = utc_now,
    ) -> None:
        self.config = config
        self._clock = clock
        self._pool = pool
        self._client_factory = client_factory
        self._client: PlatformClient = client_factory(config)
        self._calls_on: dict[PlatformClient, int] = {}
        self._retired: set[PlatformClient] = set()
        self._credentials = credentials_digest(config)
        self._policies = policies
        self._reporter = reporter
        self._cancelled = cancelled
        self._metrics = metrics
        self._pacer = SendPacer(config.limits)
        self._slots = Slots(config.limits.max_in_flight)
        self._writes: GroupWriter[DispatchJob | DeliveryResult, int | None] = GroupWriter(
            self._write_many,
            what="write deliveries",
            abandoned=self._unclaim_abandoned,
            written=metrics.writes_per_statement.observe,
        )
        self._blocked: tuple[datetime, str] | None = None
        self._pausing = 0
        """Pauses being written: until they are, the table is behind `_blocked`."""
        self._holder: UUID | None = None
        self._owning = False
        self._owned_until = 0.0
        self._renewed = asyncio.Event()
        self._arrived = asyncio.Event()
        self._work_task: asyncio.Task[None] | None = None
        self._taken: set[int] = set()
        self._retiring: set[int] = set()
        """Taken batches whose jobs have all started (`_retire_batch` is on them)."""
        self._parsed: dict[str, list[DispatchJob]] = {}
        """Jobs of batches this process received while it sent for the connection,
        by digest, until it takes them from the inbox."""
        self._active: set[repo.Key] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._waiting: set[asyncio.Task[Any]] = set()
        """Sends waiting (for a turn, a backoff, a renewal): nothing of theirs is
        on the wire, so a stopping process need not wait for them."""

    @property
    def key(self) -> tuple[str, str]:
        return self.config.key

    @property
    def owning(self) -> bool:
        return self._owning

    @property
    def working(self) -> bool:
        """Whether it works the inbox, if it sends for the connection."""
        return not self._owning or (self._work_task is not None and not self._work_task.done())

    # arriving jobs (any replica)

    async def receive(self, request: DispatchRequestedV1) -> None:
        """Store a batch in the inbox; the broker message is acknowledged once this
        returns, long before the batch is sent."""
        body = request.model_dump_json()
        digest = hashlib.sha256(body.encode()).hexdigest()
        await repo.store_batch(self._pool, self.key, digest, body)
        if self._owning and len(self._parsed) < PARSED_KEPT:
            self._parsed[digest] = request.jobs  # so the sender need not parse it again
        self._arrived.set()

    def wake(self) -> None:
        """Batches may be waiting in the inbox (stored by another process)."""
        self._arrived.set()

    # changes

    async def update(self, config: ConnectionConfig) -> None:
        """New limits apply at once; new credentials also lift a pause made with
        the old ones (other changes leave it: a PUT of the same connection must
        not lift a spam restriction)."""
        old_client, self._client = self._client, self._client_factory(config)
        self.config = config
        self._pacer.limits = config.limits
        self._slots.resize(config.limits.max_in_flight)
        credentials = credentials_digest(config)
        if credentials != self._credentials:
            self._credentials = credentials
            if self._blocked is not None:
                log.info("new credentials: the connection's pause is lifted")
            self._blocked = None
            await retry_transient(
                lambda: repo.lift_pauses_of_other_credentials(self._pool, self.key, credentials),
                what="lift a pause",
            )
        await self._retire(old_client)

    async def reread_pause(self) -> None:
        """A pause this process holds may have been lifted meanwhile (a successful
        check of the credentials, handled by any replica): read it again."""
        held = self._blocked
        if held is None or not self._owning or self._pausing:
            return
        found = await repo.current_pause(self._pool, self.key, self._credentials)
        if found is None and self._blocked is held and not self._pausing:
            self._blocked = None
            log.info("the connection's pause was lifted", connection_id=self.config.connection_id)

    async def _retire(self, client: PlatformClient) -> None:
        """Close a replaced client once its calls in progress are answered."""
        if self._calls_on.get(client, 0) == 0:
            await client.close()
        else:
            self._retired.add(client)

    async def close(self, wait_seconds: float = HAND_BACK_SECONDS) -> None:
        """Report what is left (for at most `wait_seconds`) and close the clients."""
        await self._report_left(self._reporter.close, wait_seconds)
        for client in {self._client, *self._retired}:
            await client.close()

    # ownership (the dispatcher holds the leases)

    def take_over(self, lease: repo.Lease, holder: UUID, valid_until: float) -> None:
        """This process sends for the connection from now on: honour what the one
        before left (its pause, its last send, a rate limit), then work the inbox.

        A lease held by `holder` already was this slot's before a restart: taken
        back at once, the process before may have sent until it stopped (now at
        the latest), as another holder may have until its lease ran out."""
        self._holder = holder
        self._owning = True
        self.extend(valid_until)
        last_send = lease.last_send_at
        if lease.previous_holder is not None:  # not released
            stopped = min(lease.previous_expires_at, datetime.now(UTC))
            last_send = max(last_send or stopped, stopped)
        self._pacer.resume(
            PacerState(
                last_send_at=None if last_send is None else last_send.timestamp(),
                paused_until=(
                    None
                    if lease.rate_limited_until is None
                    else lease.rate_limited_until.timestamp()
                ),
            )
        )
        self._work_task = asyncio.create_task(
            keep_running(self._work_again, what=f"send for {self.config.connection_id}"),
            name=f"send {self.key}",
        )
        log.info(
            "sending for the connection",
            connection_id=self.config.connection_id,
            taken_from=str(lease.previous_holder) if lease.previous_holder else None,
        )

    def extend(self, valid_until: float) -> None:
        self._owned_until = valid_until
        self._renewed.set()

    async def lose(self) -> None:
        """Another process sends for the connection now: start nothing more.  Calls
        in progress record their outcomes; the rest is left to the new holder."""
        self._owning = False
        await self._stop_working()
        log.warning("no longer sending for the connection", connection_id=self.config.connection_id)

    async def hand_back(self, wait_seconds: float = HAND_BACK_SECONDS) -> repo.LeftBehind:
        """Stop sending (the process is stopping): calls in progress are answered
        and recorded, those waiting stop, nothing more starts; answers what the
        next holder must honour."""
        self._owning = False
        await self._stop_working()
        for task in self._waiting:
            task.cancel()
        if self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=wait_seconds)
            if pending:
                log.warning(
                    "work still unfinished when stopping; cancelled",
                    connection_id=self.config.connection_id,
                    tasks=[_where(task) for task in pending],
                )
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        await self._report_left(self._reporter.flush, wait_seconds)
        return self.left_behind()

    async def _report_left(self, report: Callable[[], Awaitable[None]], seconds: float) -> None:
        """Report outcomes still waiting, unless the broker cannot take them in
        `seconds`: a stopping process still releases its lease, and the next holder
        reports them (their batches are still in the inbox)."""
        try:
            async with asyncio.timeout(seconds):
                await report()
        except Exception as error:  # TimeoutError: the broker is down
            log.warning(
                "outcomes not reported when stopping; the next holder reports them",
                connection_id=self.config.connection_id,
                error=repr(error),
            )

    def left_behind(self) -> repo.LeftBehind:
        state = self._pacer.state()
        return repo.LeftBehind(
            last_send_at=_utc(state.last_send_at), rate_limited_until=_utc(state.paused_until)
        )

    async def _stop_working(self) -> None:
        self._renewed.set()
        if self._work_task is not None:
            self._work_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._work_task
            self._work_task = None
        self._taken.clear()
        self._parsed.clear()

    async def _until_owned(self) -> None:
        """Return while this process may send for the connection; wait while its
        lease awaits renewal; raise LeaseLost once it is gone."""
        while True:
            if not self._owning:
                raise LeaseLost
            if time.monotonic() < self._owned_until:
                return
            self._renewed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._renewed.wait(), 1.0)

    # working the inbox (the lease holder)

    async def _work_again(self) -> None:
        """`_work`, which `keep_running` starts again if it fails: the batches it had
        taken but not handed to `_retire_batch` are read again (their jobs already
        started are skipped: they are active)."""
        try:
            await self._work()
        except Exception:
            self._taken &= self._retiring
            raise

    async def _work(self) -> None:
        self._blocked = await retry_transient(
            lambda: repo.current_pause(self._pool, self.key, self._credentials),
            what="read the connection's pause",
        )
        # the next batch is read while the jobs of this one start, so the sends
        # at the seam between two batches do not wait for the database
        upcoming = asyncio.create_task(self._read_next())
        try:
            while True:
                batch = await upcoming
                upcoming = asyncio.create_task(self._read_next())
                await self._take(batch)
        finally:
            upcoming.cancel()
            await asyncio.gather(upcoming, return_exceptions=True)

    async def _read_next(self) -> _Batch:
        """The next batch of the inbox, taken (its jobs are this process's to start),
        with what the deliveries table holds of them."""
        found = await self._next_batch()
        self._taken.add(found.seq)
        jobs = self._parsed.pop(found.digest, None)
        if jobs is None:
            if found.request is None:  # dropped meanwhile (the lease changed hands)
                self._taken.discard(found.seq)
                return await self._read_next()
            jobs = DispatchRequestedV1.model_validate_json(found.request).jobs
        seen = await retry_transient(lambda: repo.seen(self._pool, jobs), what="read deliveries")
        return _Batch(seq=found.seq, digest=found.digest, jobs=jobs, seen=seen)

    async def _next_batch(self) -> repo.InboxBatch:
        while True:
            self._arrived.clear()
            found = await retry_transient(
                lambda: repo.next_batch(
                    self._pool, self.key, sorted(self._taken), list(self._parsed)
                ),
                what="read the inbox",
            )
            if found is not None:
                return found
            await self._arrived.wait()

    async def _take(self, batch: _Batch) -> None:
        """Start every job of a batch, in order; the batch leaves the inbox once
        they have all ended and been reported.

        What the deliveries table held of a job may be older than the job's own
        copy in an earlier batch (read while that one was being sent): the
        statements that claim and record only act on deliveries still open, so
        such a copy is neither sent nor reported twice."""
        started: list[asyncio.Task[bool]] = []
        for job in batch.jobs:
            key = repo.key_of(job)
            if key in self._active:
                continue  # this process is on it already (a copy in another batch)
            before = batch.seen.get(key)
            if before is not None and before.result is not None:
                await self._reporter.add(before.result)  # decided before: said again
                continue
            self._active.add(key)
            if before is not None and before.status == "sending":
                # a call was in progress when the process that made it stopped
                interrupted = outcome(
                    job,
                    "unknown",
                    now=self._clock(),
                    code="dispatch.interrupted",
                    reason=UNKNOWN_REASON,
                )
                started.append(self._spawn(self._end(job, interrupted)))
                continue
            try:
                started.append(await self._start(job))
            except BaseException:
                self._active.discard(key)
                raise
        self._retiring.add(batch.seq)
        self._spawn(self._retire_batch(batch, started))

    async def _start(self, job: DispatchJob) -> asyncio.Task[bool]:
        # checked once it holds a slot: the policies that count (a daily cap) have
        # been told of every message before it that the platform accepted
        await self._slots.acquire()
        try:
            checked = time.monotonic()
            decided = await self._before_turn(job, self._clock())
            if decided is not None:
                self._slots.release()
                return self._spawn(self._end(job, decided))
            booking = await self._pacer.wait_turn(job.recipient.external_id, CLAIM_LEAD)
        except BaseException:
            self._slots.release()
            raise
        return self._spawn(self._deliver(job, booking, checked))

    async def _retire_batch(self, batch: _Batch, jobs: list[asyncio.Task[bool]]) -> None:
        try:
            ended = await asyncio.gather(*jobs, return_exceptions=True)
            for failure in (e for e in ended if isinstance(e, BaseException)):
                log.error("a job failed unexpectedly", error=repr(failure))
            if all(e is True for e in ended):
                await self._reporter.flush()
                await retry_transient(
                    lambda: repo.delete_batch(self._pool, batch.seq), what="retire a batch"
                )
                # a copy of the message that arrived while the batch was being sent was
                # not stored again (the same digest), so nothing will take its jobs
                self._parsed.pop(batch.digest, None)
        finally:
            # a batch kept (not all ended here, or its retiring failed) is taken again
            self._taken.discard(batch.seq)
            self._retiring.discard(batch.seq)

    def _spawn(self, work: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _end(self, job: DispatchJob, result: DeliveryResult) -> bool:
        try:
            await self._record(result)
            return True
        finally:
            self._active.discard(repo.key_of(job))

    async def _deliver(self, job: DispatchJob, booking: Booking, checked: float) -> bool:
        """Send one job (it holds a slot); True once its outcome is recorded here."""
        holding = True
        try:
            result = await self._attempts(job, booking, checked)
            if result is not None and result.status == "deferred":
                self._slots.release()
                holding = False
                await self._record(result)
            elif result is not None:
                recorded = self._writes.enqueue(result)
                # the next claim is written with this outcome or after it
                self._slots.release()
                holding = False
                await self._reported(result, recorded)
            return True
        except LeaseLost:
            return False
        finally:
            if holding:
                self._slots.release()
            self._active.discard(repo.key_of(job))

    async def _record(self, result: DeliveryResult) -> None:
        if result.status == "deferred":
            # never attempted, so nothing to record: its row (if a 429 left one
            # 'claimed') still lets the next release of it be claimed and sent
            self._metrics.outcomes.labels(result.status, result.error_code or "").inc()
            await self._reporter.add(result)
            return
        await self._reported(result, self._writes.enqueue(result))

    async def _reported(self, result: DeliveryResult, recorded: asyncio.Future[int | None]) -> None:
        """Report an outcome once it is recorded (not one another process recorded first)."""
        if await recorded is not None:
            self._metrics.outcomes.labels(result.status, result.error_code or "").inc()
            await self._reporter.add(result)

    # one message: checks, claim, calls

    def _blocked_reason(self, now: datetime) -> str | None:
        if self._blocked is None:
            return None
        until, reason = self._blocked
        if until <= now:
            self._blocked = None
            return None
        return f"{reason}; the connection is paused until {until:%Y-%m-%d %H:%M:%S} UTC"

    def _stopped(self, job: DispatchJob, now: datetime, attempts: int) -> DeliveryResult | None:
        """A job that must not go out any more: its campaign was cancelled, or the
        connection was removed or paused."""
        if job.campaign_id in self._cancelled:
            return outcome(
                job,
                "cancelled",
                now=now,
                attempts=attempts,
                code="campaign.cancelled",
                reason=CANCELLED_REASON,
            )
        if self.config.deleted:
            return outcome(
                job,
                "failed",
                now=now,
                attempts=attempts,
                code="connection.removed",
                reason="the connection was removed",
            )
        blocked = self._blocked_reason(now)
        if blocked:
            return outcome(
                job, "failed", now=now, attempts=attempts, code="connection.paused", reason=blocked
            )
        return None

    async def _policy_skip(
        self, job: DispatchJob, now: datetime, *, may_defer: bool = True
    ) -> DeliveryResult | None:
        """The first policy's decision against the job: skipped, or deferred (unless
        `may_defer` is False: a call for it may have reached the platform already,
        so it is finished now rather than left to wait)."""
        for policy in self._policies:
            decision = await policy.check(job, self.config, now)
            if isinstance(decision, Defer):
                if not may_defer:
                    continue
                return outcome(
                    job,
                    "deferred",
                    now=now,
                    code=decision.rule,
                    reason=decision.reason,
                    retry_at=decision.until,
                )
            if decision is not None:
                return outcome(job, "skipped", now=now, code=decision.rule, reason=decision.reason)
        return None

    async def _before_turn(self, job: DispatchJob, now: datetime) -> DeliveryResult | None:
        return self._stopped(job, now, 0) or await self._policy_skip(job, now)

    async def _attempts(
        self, job: DispatchJob, booking: Booking | None, checked: float
    ) -> DeliveryResult | None:
        """Call the platform until the message is sent or fails for good (None: it
        was not this process's to send).  Every call is paced and preceded by the
        checks; the delivery is `sending` from its claim on, except while it waits
        after a 429, which proves it was not delivered."""
        external_id = job.recipient.external_id
        parts = self._client.parts(job)
        part = 0
        claimed = uncertain = False
        delivered: Sent | None = None
        calls = failures = redirects = 0
        while True:
            if booking is None:
                booking = await self._waited(self._pacer.wait_turn(external_id, CLAIM_LEAD))
            try:
                await self._waited(self._until_owned())
                now = self._clock()
                stop = self._stopped(job, now, calls)
                if (
                    stop is None
                    and delivered is None
                    and time.monotonic() - checked >= RECHECK_POLICIES_AFTER_SECONDS
                ):
                    stop = await self._policy_skip(job, now, may_defer=not claimed)
                    checked = time.monotonic()
                if stop is not None:
                    self._pacer.release(booking)
                    return stop if delivered is None else _partly(job, delivered, calls, stop)
                if not claimed:
                    attempt = await self._writes.submit(job)
                    if attempt is None:
                        self._pacer.release(booking)
                        return None
                    claimed, calls = True, attempt - 1
                    try:
                        await self._pacer.ready(booking)  # claimed ahead of its turn
                        await self._until_owned()  # the claim may have taken a while
                    except LeaseLost:
                        await self._unclaim(job)
                        raise
                else:
                    await self._pacer.ready(booking)
            except BaseException:
                self._pacer.release(booking)
                raise
            calls += 1
            client = self._client
            self._calls_on[client] = self._calls_on.get(client, 0) + 1
            started = time.perf_counter()
            self._pacer.depart(booking)
            try:
                answer = await client.send(job, external_id, part)
            finally:
                self._pacer.answered(booking)
                booking = None
                await self._call_ended(client)
            self._metrics.call_seconds.observe(time.perf_counter() - started)
            now = self._clock()
            match answer:
                case Sent(platform_message_id=message_id):
                    self._metrics.calls.labels("sent").inc()
                    if delivered is None:
                        delivered = answer
                        for policy in self._policies:
                            await policy.sent(job, self.config, now)
                    part += 1
                    if part < parts:
                        continue
                    return outcome(
                        job,
                        "sent",
                        now=now,
                        attempts=calls,
                        platform_message_id=delivered.platform_message_id or message_id,
                    )
                case Failed(code=code, reason=reason):
                    self._metrics.calls.labels("failed").inc()
                    failed = outcome(
                        job, "failed", now=now, attempts=calls, code=code, reason=reason
                    )
                    return failed if delivered is None else _partly(job, delivered, calls, failed)
                case Redirect(external_id=moved_to):
                    redirects += 1
                    if redirects > MAX_REDIRECTS:
                        return outcome(
                            job,
                            "failed",
                            now=now,
                            attempts=calls,
                            code="redirects",
                            reason=f"the chat moved {redirects} times while this message was "
                            f"being sent (last to {moved_to}); not followed further",
                        )
                    external_id = moved_to
                case RateLimited(retry_after=wait, code=code, reason=reason):
                    self._metrics.calls.labels("rate_limited").inc()
                    log.info(
                        "rate limited by the platform",
                        retry_after=wait,
                        code=code,
                        reason=reason,
                        connection_id=self.config.connection_id,
                    )
                    await self._hold_rate_limit(wait)
                    if not uncertain and delivered is None:
                        await self._unclaim(job)
                        claimed = False
                case ConnectionBlocked(
                    code=code, reason=reason, pause_seconds=seconds, credentials=refused
                ):
                    self._metrics.calls.labels("blocked").inc()
                    self._metrics.paused.labels(code).inc()
                    await self._pause(now + timedelta(seconds=seconds), code, reason, refused)
                    failed = outcome(
                        job,
                        "failed",
                        now=now,
                        attempts=calls,
                        code=code,
                        reason=self._blocked_reason(now) or reason,
                    )
                    return failed if delivered is None else _partly(job, delivered, calls, failed)
                case Retry(code=code, reason=reason):
                    self._metrics.calls.labels("retry").inc()
                    uncertain = True
                    failures += 1
                    if failures >= self.config.limits.max_attempts:
                        failed = outcome(
                            job,
                            "failed",
                            now=now,
                            attempts=calls,
                            code=code,
                            reason=f"{reason} (gave up after {failures} attempts)",
                        )
                        if delivered is not None:
                            return _partly(job, delivered, calls, failed)
                        return failed
                    await self._waited(asyncio.sleep(backoff_seconds(failures)))

    async def _waited(self, waiting: Coroutine[Any, Any, T]) -> T:
        """Await something that is not a call (a stopping process cancels it)."""
        task = asyncio.current_task()
        assert task is not None
        if not self._owning:
            waiting.close()
            raise LeaseLost
        self._waiting.add(task)
        try:
            return await waiting
        finally:
            self._waiting.discard(task)

    async def _call_ended(self, client: PlatformClient) -> None:
        left = self._calls_on[client] - 1
        if left:
            self._calls_on[client] = left
            return
        del self._calls_on[client]
        if client in self._retired:
            self._retired.discard(client)
            await client.close()

    async def _write_many(self, items: list[DispatchJob | DeliveryResult]) -> list[int | None]:
        """Outcomes and claims in one statement: an outcome answers 0 once recorded,
        a claim its attempt number; None: another process had it first."""
        written = await repo.record_and_claim(
            self._pool,
            self.key,
            [item for item in items if isinstance(item, DeliveryResult)],
            [item for item in items if isinstance(item, DispatchJob)],
        )
        return [
            written.claimed.get(repo.key_of(item))
            if isinstance(item, DispatchJob)
            else (0 if repo.key_of(item) in written.recorded else None)
            for item in items
        ]

    async def _unclaim_abandoned(
        self, written: list[tuple[DispatchJob | DeliveryResult, int | None]]
    ) -> None:
        """Claims whose sender was cancelled before its call: never sent."""
        for item, attempt in written:
            if isinstance(item, DispatchJob) and attempt is not None:
                await self._unclaim(item)

    async def _unclaim(self, job: DispatchJob) -> None:
        await retry_transient(lambda: repo.unclaim(self._pool, job), what="unclaim a delivery")

    async def _hold_rate_limit(self, seconds: float) -> None:
        """The whole connection waits, here and in whichever process sends for it next."""
        self._pacer.pause(seconds)
        until = datetime.now(UTC) + timedelta(seconds=seconds)
        holder = self._holder
        if holder is not None:
            await retry_transient(
                lambda: repo.hold_rate_limit(self._pool, self.key, holder, until),
                what="record a rate limit",
            )

    async def _pause(self, until: datetime, code: str, reason: str, refused: bool = False) -> None:
        self._blocked = (until, reason)
        credentials = self._credentials
        self._pausing += 1
        try:
            await retry_transient(
                lambda: repo.pause(
                    self._pool, self.key, until, reason, credentials, bad_credentials=refused
                ),
                what="pause the connection",
            )
        finally:
            self._pausing -= 1
        log.warning(
            "connection paused by the platform", code=code, reason=reason, until=until.isoformat()
        )


@dataclass(frozen=True)
class _Batch:
    """A batch of the inbox, read and parsed, with what the deliveries table held
    of its jobs when it was read."""

    seq: int
    digest: str
    jobs: list[DispatchJob]
    seen: dict[repo.Key, repo.Seen]


def _partly(job: DispatchJob, delivered: Sent, calls: int, rest: DeliveryResult) -> DeliveryResult:
    """A message of several calls whose first part reached the person (an Instagram
    attachment) but not the rest (its caption): sent, never again, with why the
    rest is missing."""
    return outcome(
        job,
        "sent",
        now=rest.finished_at,
        attempts=calls,
        platform_message_id=delivered.platform_message_id,
        code=f"partial.{rest.error_code}",
        reason=f"the first part was delivered, the rest was not: {rest.error_reason}",
    )


def _where(task: asyncio.Task[Any]) -> str:
    """Where a task waits: the chain of coroutines it is suspended in."""
    places = []
    awaiting: Any = task.get_coro()
    while awaiting is not None and hasattr(awaiting, "cr_frame"):
        if awaiting.cr_frame is not None:
            places.append(f"{awaiting.cr_code.co_name}:{awaiting.cr_frame.f_lineno}")
        awaiting = awaiting.cr_await
    return " > ".join(places) + (f" > {awaiting!r}" if awaiting is not None else "")


def _utc(timestamp: float | None) -> datetime | None:
    return None if timestamp is None else datetime.fromtimestamp(timestamp, UTC)
