"""One message's calls to the platform, until it is sent or fails for good.

Every call waits for its turn (pacing) and is preceded by the checks that it may
go (the lease, a cancelled campaign, a removed or paused connection, and after a
wait of a second or more the policies); the first is preceded by its claim, made
at most `CLAIM_LEAD` before its turn.  The delivery is `sending` from its claim
on, except while it waits after a 429, which proves it was not delivered.

* a 429 pauses the whole connection for `retry_after` (here and in the process
  that sends for it next) and the message is sent again, however many times that
  takes;
* a transient failure (5xx, timeout) is retried with backoff, up to the
  connection's `max_attempts`, then fails with its reason;
* a restricted account pauses the connection and fails the message;
* a chat that moved is followed, at most `MAX_REDIRECTS` times.

A message of several calls whose first part was delivered is `sent`, whatever
happens to the rest (`partial.<code>`): it is never sent again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, assert_never

from contracts.dispatch import DeliveryResult, DispatchJob
from service_kit.logs import get_logger

from .clients import PlatformClients
from .delivery_writes import DeliveryWrites
from .metrics import DispatchMetrics
from .model import (
    ConnectionBlocked,
    ConnectionConfig,
    Failed,
    RateLimited,
    Redirect,
    Retry,
    SendOutcome,
    Sent,
)
from .ownership import LeaseLost, Ownership
from .pacing import Booking, SendPacer
from .pauses import ConnectionPause
from .ports import Clock
from .results import backoff_seconds, outcome, sent_text
from .send_checks import SendChecks

log = get_logger(__name__)

RECHECK_POLICIES_AFTER_SECONDS = 1.0
"""A job that waited this long since its policies were checked is checked again."""
MAX_REDIRECTS = 3
"""Chat moves (a group upgraded to a supergroup) followed for one message."""
CLAIM_LEAD = 0.01
"""How long before its turn a message is claimed, so that the database's round
trip (a few ms, longer on a busy machine) does not delay the call: a fast
connection's window guard counts each second from the calls of a second before,
so every such delay would lower its rate for good."""


@dataclass
class _Message:
    """One message's calls so far."""

    job: DispatchJob
    booking: Booking | None
    """Its turn for the next call, once booked."""
    checked: float
    """When its policies were last checked (monotonic)."""
    external_id: str
    parts: int
    part: int = 0
    claimed: bool = False
    uncertain: bool = False
    """A call may have reached the platform (a timeout, a 5xx)."""
    delivered: Sent | None = None
    """The answer to its first part, once the platform accepted it."""
    calls: int = 0
    failures: int = 0
    redirects: int = 0


class _NotOurs(Exception):
    """The claim was refused: another process had the delivery first."""


class Attempts:
    def __init__(
        self,
        *,
        config: Callable[[], ConnectionConfig],
        ownership: Ownership,
        pause: ConnectionPause,
        checks: SendChecks,
        clients: PlatformClients,
        pacer: SendPacer,
        writes: DeliveryWrites,
        metrics: DispatchMetrics,
        clock: Clock,
        sleep: Callable[[float], Coroutine[Any, Any, None]] = asyncio.sleep,
    ) -> None:
        """`sleep` waits out a transient failure's backoff."""
        self._config = config
        self._ownership = ownership
        self._pause = pause
        self._checks = checks
        self._clients = clients
        self._pacer = pacer
        self._writes = writes
        self._metrics = metrics
        self._clock = clock
        self._sleep = sleep

    async def run(
        self, job: DispatchJob, booking: Booking | None, checked: float
    ) -> DeliveryResult | None:
        """Call the platform until the message is sent or fails for good (None: it
        was not this process's to send; LeaseLost: this process stopped sending
        for the connection before the message's next call)."""
        message = _Message(
            job=job,
            booking=booking,
            checked=checked,
            external_id=job.recipient.external_id,
            parts=self._clients.current.parts(job),
        )
        while True:
            try:
                stop = await self._ready(message)
            except _NotOurs:
                return None
            if stop is not None:
                return stop
            result = await self._answered(message, await self._call(message))
            if result is not None:
                return result

    # before a call

    async def _ready(self, message: _Message) -> DeliveryResult | None:
        """Wait for the message's turn and check that it may go, claimed the first
        time; an outcome if it must not (its booking is then released)."""
        if message.booking is None:
            message.booking = await self._ownership.waited(
                self._pacer.wait_turn(message.external_id, CLAIM_LEAD)
            )
        booking = message.booking
        try:
            await self._ownership.waited(self._ownership.until_owned())
            stop = await self._stopped(message)
            if stop is not None:
                self._pacer.release(booking)
                return stop
            if message.claimed:
                await self._pacer.ready(booking)
            else:
                await self._claim(message, booking)
        except BaseException:  # _NotOurs included: the booking will not leave
            self._pacer.release(booking)
            raise
        return None

    async def _stopped(self, message: _Message) -> DeliveryResult | None:
        """The outcome of a message that must not go any more (None: it may)."""
        job, now = message.job, self._clock()
        stop = self._checks.stopped(job, now, message.calls, may_hold=message.delivered is None)
        if stop is not None and stop.status == "deferred" and message.claimed:
            # its campaign was paused between attempts: not sent now, so its claim
            # goes back (a retry after a transient failure would have called again
            # anyway); the scheduler's next release of it is claimed and sent then
            await self._writes.unclaim(job)
            message.claimed = False
            return stop
        if (
            stop is None
            and message.delivered is None
            and time.monotonic() - message.checked >= RECHECK_POLICIES_AFTER_SECONDS
        ):
            stop = await self._checks.policy_skip(job, now, may_defer=not message.claimed)
            message.checked = time.monotonic()
        return None if stop is None else self._finished(message, stop)

    async def _claim(self, message: _Message, booking: Booking) -> None:
        """Claim the delivery (`sending`) ahead of its turn, then wait for the turn."""
        attempt = await self._writes.claim(message.job)
        if attempt is None:
            raise _NotOurs
        message.claimed, message.calls = True, attempt - 1
        try:
            await self._pacer.ready(booking)  # claimed ahead of its turn
            await self._ownership.until_owned()  # the claim may have taken a while
        except LeaseLost:
            await self._writes.unclaim(message.job)
            raise

    # the call

    async def _call(self, message: _Message) -> SendOutcome:
        booking = message.booking
        assert booking is not None
        message.calls += 1
        message.booking = None
        async with self._clients.calling() as client:
            started = time.perf_counter()
            self._pacer.depart(booking)
            try:
                answer = await client.send(message.job, message.external_id, message.part)
            finally:
                self._pacer.answered(booking)
        self._metrics.call_seconds.observe(time.perf_counter() - started)
        return answer

    # after a call: an outcome, or None to call again

    async def _answered(self, message: _Message, answer: SendOutcome) -> DeliveryResult | None:
        now = self._clock()
        match answer:
            case Sent():
                return await self._sent(message, answer, now)
            case Failed(code=code, reason=reason):
                self._metrics.call("failed", self._config().connection_id)
                failed = outcome(
                    message.job, "failed", now=now, attempts=message.calls, code=code, reason=reason
                )
                return self._finished(message, failed)
            case Redirect(external_id=moved_to):
                return self._redirected(message, moved_to, now)
            case RateLimited():
                await self._rate_limited(message, answer)
                return None
            case ConnectionBlocked():
                return await self._blocked(message, answer, now)
            case Retry():
                return await self._retry(message, answer, now)
            case _:
                assert_never(answer)

    async def _sent(self, message: _Message, answer: Sent, now: datetime) -> DeliveryResult | None:
        self._metrics.call("sent", self._config().connection_id)
        if message.delivered is None:
            message.delivered = answer
            await self._checks.tell_sent(message.job, now)
        message.part += 1
        if message.part < message.parts:
            return None
        return outcome(
            message.job,
            "sent",
            now=now,
            attempts=message.calls,
            platform_message_id=message.delivered.platform_message_id or answer.platform_message_id,
            text=answer.text if answer.text is not None else sent_text(message.job.content),
        )

    def _redirected(self, message: _Message, moved_to: str, now: datetime) -> DeliveryResult | None:
        message.redirects += 1
        if message.redirects > MAX_REDIRECTS:
            return outcome(
                message.job,
                "failed",
                now=now,
                attempts=message.calls,
                code="redirects",
                reason=f"the chat moved {message.redirects} times while this message was "
                f"being sent (last to {moved_to}); not followed further",
            )
        message.external_id = moved_to
        return None

    async def _rate_limited(self, message: _Message, answer: RateLimited) -> None:
        """The whole connection waits; the message, not delivered, waits `claimed`."""
        self._metrics.call("rate_limited", self._config().connection_id)
        log.info(
            "rate limited by the platform",
            retry_after=answer.retry_after,
            code=answer.code,
            reason=answer.reason,
            connection_id=self._config().connection_id,
        )
        self._pacer.pause(answer.retry_after)
        await self._ownership.hold_rate_limit(
            datetime.now(UTC) + timedelta(seconds=answer.retry_after)
        )
        if not message.uncertain and message.delivered is None:
            await self._writes.unclaim(message.job)
            message.claimed = False

    async def _blocked(
        self, message: _Message, answer: ConnectionBlocked, now: datetime
    ) -> DeliveryResult:
        self._metrics.call("blocked", self._config().connection_id)
        self._metrics.paused.labels(answer.code).inc()
        until = now + timedelta(seconds=answer.pause_seconds)
        await self._pause.pause(until, answer.code, answer.reason, answer.credentials)
        failed = outcome(
            message.job,
            "failed",
            now=now,
            attempts=message.calls,
            code=answer.code,
            reason=self._pause.reason(now) or answer.reason,
        )
        return self._finished(message, failed)

    async def _retry(
        self, message: _Message, answer: Retry, now: datetime
    ) -> DeliveryResult | None:
        self._metrics.call("retry", self._config().connection_id)
        message.uncertain = True
        message.failures += 1
        if message.failures >= self._config().limits.max_attempts:
            failed = outcome(
                message.job,
                "failed",
                now=now,
                attempts=message.calls,
                code=answer.code,
                reason=f"{answer.reason} (gave up after {message.failures} attempts)",
            )
            return self._finished(message, failed)
        await self._ownership.waited(self._sleep(backoff_seconds(message.failures)))
        return None

    @staticmethod
    def _finished(message: _Message, result: DeliveryResult) -> DeliveryResult:
        """The message's outcome: `result`, unless its first part was delivered."""
        if message.delivered is None:
            return result
        return partly_sent(message.job, message.delivered, message.calls, result)


def partly_sent(
    job: DispatchJob, delivered: Sent, calls: int, rest: DeliveryResult
) -> DeliveryResult:
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
