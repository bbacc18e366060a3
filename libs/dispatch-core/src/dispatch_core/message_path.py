"""One message's path through the sender, from its slot to its reported outcome:

1. it waits for an in-flight slot (at most `max_in_flight` per connection);
2. without any call, it may end here: its campaign was cancelled, the connection
   was removed or is paused, or one of the channel's policies skips it (recorded
   `skipped` with the rule's name) or defers it (reported `deferred` with the
   time it may go, and not recorded, so the scheduler's next release of it is
   sent like a new job); otherwise it waits for its turn, less `CLAIM_LEAD`;
3. its calls (`attempts`): each checked, the first claimed, then paced;
4. its outcome is recorded, then reported, and the slot is freed as soon as the
   outcome is queued for writing (the next claim is written with it or after it).

A job this process is on already (a copy in another batch) is not started again;
one decided before is reported again; one a stopped process left `sending` is
reported `unknown` and never sent."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from typing import Any

from contracts.dispatch import DeliveryResult, DispatchJob

from . import repo
from .attempts import CLAIM_LEAD, Attempts
from .delivery_writes import DeliveryWrites
from .metrics import DispatchMetrics
from .ownership import LeaseLost
from .pacing import Booking, SendPacer
from .ports import Clock
from .reporting import Reports
from .results import UNKNOWN_REASON, outcome
from .send_checks import SendChecks
from .slots import Slots

Path = Coroutine[Any, Any, bool]
"""The rest of a message's path, for a task of its own: True once its outcome is
recorded here (False: this process stopped sending for the connection first)."""


class MessagePath:
    def __init__(
        self,
        *,
        slots: Slots,
        checks: SendChecks,
        pacer: SendPacer,
        attempts: Attempts,
        writes: DeliveryWrites,
        reporter: Reports,
        metrics: DispatchMetrics,
        clock: Clock,
    ) -> None:
        self._slots = slots
        self._checks = checks
        self._pacer = pacer
        self._attempts = attempts
        self._writes = writes
        self._reporter = reporter
        self._metrics = metrics
        self._clock = clock
        self.active: set[repo.Key] = set()
        """The jobs on their path in this process."""

    async def begin(self, job: DispatchJob, before: repo.Seen | None) -> Path | None:
        """Take a job of the inbox as far as its turn (`before`: what the deliveries
        table held of it); the rest of its path, or None if it has none here."""
        key = repo.key_of(job)
        if key in self.active:
            return None  # this process is on it already (a copy in another batch)
        if before is not None and before.result is not None:
            await self._reporter.add(before.result)  # decided before: said again
            return None
        self.active.add(key)
        if before is not None and before.status == "sending":
            # a call was in progress when the process that made it stopped
            interrupted = outcome(
                job,
                "unknown",
                now=self._clock(),
                code="dispatch.interrupted",
                reason=UNKNOWN_REASON,
            )
            return self._end(job, interrupted)
        try:
            return await self._start(job)
        except BaseException:
            self.active.discard(key)
            raise

    async def _start(self, job: DispatchJob) -> Path:
        # checked once it holds a slot: the policies that count (a daily cap) have
        # been told of every message before it that the platform accepted
        await self._slots.acquire()
        try:
            checked = time.monotonic()
            decided = await self._checks.before_turn(job, self._clock())
            if decided is not None:
                self._slots.release()
                return self._end(job, decided)
            booking = await self._pacer.wait_turn(job.recipient.external_id, CLAIM_LEAD)
        except BaseException:
            self._slots.release()
            raise
        return self._deliver(job, booking, checked)

    async def _end(self, job: DispatchJob, result: DeliveryResult) -> bool:
        try:
            await self._record(result)
            return True
        finally:
            self.active.discard(repo.key_of(job))

    async def _deliver(self, job: DispatchJob, booking: Booking, checked: float) -> bool:
        """Send one job (it holds a slot); True once its outcome is recorded here."""
        holding = True
        try:
            result = await self._attempts.run(job, booking, checked)
            if result is not None and result.status == "deferred":
                self._slots.release()
                holding = False
                await self._record(result)
            elif result is not None:
                recorded = self._writes.record(result)
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
            self.active.discard(repo.key_of(job))

    async def _record(self, result: DeliveryResult) -> None:
        if result.status == "deferred":
            # never attempted, so nothing to record: its row (if a 429 left one
            # 'claimed') still lets the next release of it be claimed and sent
            self._metrics.outcome(result.status, result.error_code or "")
            await self._reporter.add(result)
            return
        await self._reported(result, self._writes.record(result))

    async def _reported(self, result: DeliveryResult, recorded: asyncio.Future[int | None]) -> None:
        """Report an outcome once it is recorded (not one another process recorded first)."""
        if await recorded is not None:
            self._metrics.outcome(result.status, result.error_code or "")
            await self._reporter.add(result)
