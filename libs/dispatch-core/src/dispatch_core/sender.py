"""One connection's sender: takes its jobs in order and sends each at most once.

`receive` stores a batch of jobs (`dispatch.send.v1`) in the inbox and returns at
once, so the broker's message is acknowledged however long sending takes.  While
this process holds the connection's lease, the sender works the inbox in order:
each job waits for one of `max_in_flight` slots and its turn, is checked again
right before every call, claimed (`sending`) and sent, and its outcome recorded
and reported; a batch leaves the inbox once all its outcomes are reported.

What a crash can leave: at most `max_in_flight` deliveries of the connection
`sending`, which the process taking the connection over reports `unknown` and
never sends again; it sends every other job as if nothing happened.
(docs/architecture.md follows one message through these steps.)

Its parts, each with one job: `inbox`, `ownership` (the lease), `pauses`,
`clients`, `slots`, `message_path` (one message from its slot to its reported
outcome), `send_checks`, `attempts` (the 429, transient and blocked paths),
`delivery_writes` and `pacing`; they read and write through a `SenderStore`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Container, Coroutine, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar
from uuid import UUID

from contracts.base import utc_now
from contracts.dispatch import DispatchRequestedV1
from service_kit.logs import get_logger
from service_kit.retry import keep_running
from service_kit.subscribers import RawBody

from . import repo
from .announcements import Announce, unheard
from .attempts import Attempts
from .clients import PlatformClients
from .delivery_writes import DeliveryWrites
from .inbox import Batch, Inbox
from .message_path import MessagePath
from .metrics import DispatchMetrics
from .model import ConnectionConfig
from .ownership import Ownership
from .pacing import PacerState, SendPacer
from .pauses import ConnectionPause
from .ports import ClientFactory, Clock, Policy
from .reporting import Reports
from .send_checks import SendChecks
from .sender_store import SenderStore
from .slots import Slots

log = get_logger(__name__)

T = TypeVar("T")

HAND_BACK_SECONDS = 10.0
"""How long a stopping process waits for its calls in progress to be answered."""


class ConnectionSender:
    def __init__(
        self,
        config: ConnectionConfig,
        *,
        store: SenderStore,
        client_factory: ClientFactory,
        policies: Sequence[Policy],
        reporter: Reports,
        cancelled: Container[UUID],
        metrics: DispatchMetrics,
        announce: Announce = unheard,
        paused: Container[UUID] = frozenset(),
        clock: Clock = utc_now,
        sleep: Callable[[float], Coroutine[Any, Any, None]] = asyncio.sleep,
    ) -> None:
        """`announce`: tells the system of the connection's pauses; `clock`: the time
        of day outcomes and policies go by; `sleep`: waits out a transient
        failure's backoff (tests pass their own)."""
        self.config = config
        self._reporter = reporter
        self._pacer = SendPacer(config.limits)
        self._slots = Slots(config.limits.max_in_flight)
        self._clients = PlatformClients(client_factory, config)
        self._ownership = Ownership(store)
        self._pause = ConnectionPause(store, config, announce)
        self._inbox = Inbox(store, reporter)
        checks = SendChecks(
            config=lambda: self.config,
            cancelled=cancelled,
            paused=paused,
            pause=self._pause,
            policies=policies,
        )
        writes = DeliveryWrites(store, written=metrics.writes_per_statement.observe)
        attempts = Attempts(
            config=lambda: self.config,
            ownership=self._ownership,
            pause=self._pause,
            checks=checks,
            clients=self._clients,
            pacer=self._pacer,
            writes=writes,
            metrics=metrics,
            clock=clock,
            sleep=sleep,
        )
        self._path = MessagePath(
            slots=self._slots,
            checks=checks,
            pacer=self._pacer,
            attempts=attempts,
            writes=writes,
            reporter=reporter,
            metrics=metrics,
            clock=clock,
        )
        self._work_task: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def key(self) -> tuple[str, str]:
        return self.config.key

    @property
    def owning(self) -> bool:
        return self._ownership.owning

    @property
    def working(self) -> bool:
        """Whether it works the inbox, if it sends for the connection."""
        return not self.owning or (self._work_task is not None and not self._work_task.done())

    # arriving jobs (any replica)

    async def receive(self, request: DispatchRequestedV1, body: RawBody) -> None:
        """Store a batch in the inbox, as it arrived (`body`); the broker message is
        acknowledged once this returns, long before the batch is sent."""
        await self._inbox.store(request, body, keep_parsed=self.owning)

    def wake(self) -> None:
        """Batches may be waiting in the inbox (stored by another process)."""
        self._inbox.wake()

    # changes

    async def update(self, config: ConnectionConfig) -> None:
        """New limits apply at once; new credentials also lift a pause made with
        the old ones (other changes leave it: a PUT of the same connection must
        not lift a spam restriction)."""
        old_client = self._clients.replace(config)
        self.config = config
        self._pacer.limits = config.limits
        self._slots.resize(config.limits.max_in_flight)
        await self._pause.new_credentials(config)
        await self._clients.retire(old_client)

    async def reread_pause(self) -> None:
        """A pause this process holds may have been lifted meanwhile (a successful
        check of the credentials, handled by any replica): read it again."""
        if self.owning:
            await self._pause.reread()

    async def close(self, wait_seconds: float = HAND_BACK_SECONDS) -> None:
        """Report what is left (for at most `wait_seconds`) and close the clients."""
        await self._report_left(self._reporter.close, wait_seconds)
        await self._clients.close()

    # ownership (the dispatcher holds the leases)

    def take_over(self, lease: repo.Lease, holder: UUID, valid_until: float) -> None:
        """This process sends for the connection from now on: honour what the one
        before left (its pause, its last send, a rate limit), then work the inbox.

        A lease held by `holder` already was this slot's before a restart: taken
        back at once, the process before may have sent until it stopped (now at
        the latest), as another holder may have until its lease ran out."""
        self._ownership.take(holder, valid_until)
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
        self._ownership.extend(valid_until)

    async def lose(self) -> None:
        """Another process sends for the connection now: start nothing more.  Calls
        in progress record their outcomes; the rest is left to the new holder."""
        self._ownership.give_up()
        await self._stop_working()
        log.warning("no longer sending for the connection", connection_id=self.config.connection_id)

    async def hand_back(self, wait_seconds: float = HAND_BACK_SECONDS) -> repo.LeftBehind:
        """Stop sending (the process is stopping): calls in progress are answered
        and recorded, those waiting stop, nothing more starts; answers what the
        next holder must honour."""
        self._ownership.give_up()
        await self._stop_working()
        self._ownership.cancel_waiting()
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
        if self._work_task is not None:
            self._work_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._work_task
            self._work_task = None
        self._inbox.clear()

    # working the inbox (the lease holder)

    async def _work_again(self) -> None:
        """`_work`, which `keep_running` starts again if it fails: the batches whose
        jobs had not all started are read again (those started are skipped: they
        are active)."""
        try:
            await self._work()
        except Exception:
            self._inbox.untake_unstarted()
            raise

    async def _work(self) -> None:
        await self._pause.read()
        await self._inbox.work(self._take)

    async def _take(self, batch: Batch) -> None:
        """Start every job of a batch, in order; the batch leaves the inbox once
        they have all ended and been reported.

        What the deliveries table held of a job may be older than the job's own
        copy in an earlier batch (read while that one was being sent): the
        statements that claim and record only act on deliveries still open, so
        such a copy is neither sent nor reported twice."""
        started: list[asyncio.Task[bool]] = []
        for job, before in batch.unstarted():
            path = await self._path.begin(job, before)
            if path is not None:
                started.append(self._spawn(path))
        self._spawn(self._inbox.retire(batch, started))

    def _spawn(self, work: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task


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
