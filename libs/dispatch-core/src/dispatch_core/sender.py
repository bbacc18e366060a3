"""One connection's sender: takes its jobs in order and sends each at most once.

Jobs go out in waves.  Per job, first without any call: a cancelled campaign,
a removed or paused connection, or one of the channel's policies may end it.
The rest of the wave is marked `sending` in PostgreSQL in one statement, then
each waits for its turn (pacing) and goes to the platform; the wave's outcomes
are recorded in one statement.  Two waves of half `max_in_flight` overlap (one
is recorded and the next marked while the other is on the wire), so pacing, not
the database, sets the pace; at any moment at most `max_in_flight` deliveries
are `sending`, which is all a crash can leave in an unknown state.

Transient failures are retried with backoff up to `max_attempts`; a 429 pauses
the whole connection for `retry_after` and resends; a restricted account pauses
the connection and fails what it cannot send.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from datetime import datetime, timedelta

from contracts.base import utc_now
from contracts.dispatch import DeliveryResult, DispatchJob, DispatchRequestedV1
from service_kit.logs import get_logger
from service_kit.retry import retry_transient

from . import repo
from .cancellations import CancelledCampaigns
from .metrics import DispatchMetrics
from .model import (
    ConnectionBlocked,
    ConnectionConfig,
    Failed,
    RateLimited,
    Redirect,
    Retry,
    Sent,
)
from .pacing import SendPacer
from .ports import ClientFactory, PlatformClient, Policy
from .reporting import Reporter
from .results import CANCELLED_REASON, UNKNOWN_REASON, backoff_seconds, outcome

log = get_logger(__name__)

MAX_RATE_LIMIT_RETRIES = 20


def _wave_shape(max_in_flight: int) -> tuple[int, asyncio.Semaphore]:
    """Wave size, and how many waves may be under way at once."""
    if max_in_flight == 1:
        return 1, asyncio.Semaphore(1)
    return max_in_flight // 2, asyncio.Semaphore(2)


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
    ) -> None:
        self.config = config
        self._pool = pool
        self._client_factory = client_factory
        self._client: PlatformClient = client_factory(config)
        self._policies = policies
        self._reporter = reporter
        self._cancelled = cancelled
        self._metrics = metrics
        self._pacer = SendPacer(config.limits)
        self._wave_size, self._lanes = _wave_shape(config.limits.max_in_flight)
        self._blocked: tuple[datetime, str] | None = None

    async def load_pause(self) -> None:
        self._blocked = await repo.current_pause(self._pool, self.config.key)

    async def update(self, config: ConnectionConfig) -> None:
        """New credentials or limits: a pause for bad credentials or a restriction ends."""
        old_client, self._client = self._client, self._client_factory(config)
        self.config = config
        self._pacer.limits = config.limits
        self._wave_size, self._lanes = _wave_shape(config.limits.max_in_flight)
        self._blocked = None
        await repo.clear_pause(self._pool, config.key)
        await old_client.close()

    async def close(self) -> None:
        await self._reporter.close()
        await self._client.close()

    async def handle(self, request: DispatchRequestedV1) -> None:
        """Send a batch of jobs; returns once every outcome is recorded and reported."""
        seen = await repo.seen(self._pool, request.jobs)
        now = utc_now()
        interrupted: list[DeliveryResult] = []
        sendable: list[DispatchJob] = []
        for job in request.jobs:
            before = seen.get(repo.key_of(job))
            if before is None or before.status == "claimed":
                sendable.append(job)
            elif before.result is not None:
                await self._reporter.add(before.result)
            elif before.status == "sending":
                interrupted.append(
                    outcome(
                        job,
                        "unknown",
                        now=now,
                        code="dispatch.interrupted",
                        reason=UNKNOWN_REASON,
                    )
                )
        await self._finish(interrupted)
        waves: list[asyncio.Task[None]] = []
        size = self._wave_size
        for position in range(0, len(sendable), size):
            lanes = self._lanes  # shared by every batch of this connection
            await lanes.acquire()
            wave = asyncio.create_task(self._wave(sendable[position : position + size]))
            wave.add_done_callback(lambda _, lanes=lanes: lanes.release())  # type: ignore[misc]
            waves.append(wave)
        await asyncio.gather(*waves)
        await self._reporter.flush()

    async def _wave(self, jobs: list[DispatchJob]) -> None:
        now = utc_now()
        ended: list[DeliveryResult] = []
        ready: list[DispatchJob] = []
        for job in jobs:
            decided = await self._without_call(job, now)
            if decided is None:
                ready.append(job)
            else:
                ended.append(decided)
        await self._finish(ended)
        if not ready:
            return
        attempts = await retry_transient(
            lambda: repo.claim_wave(self._pool, self.config.key, ready), what="claim"
        )
        ours = [job for job in ready if repo.key_of(job) in attempts]
        results = await asyncio.gather(*(self._send(j, attempts[repo.key_of(j)]) for j in ours))
        await self._finish(list(results))

    async def _finish(self, results: list[DeliveryResult]) -> None:
        if not results:
            return
        await retry_transient(
            lambda: repo.finish(self._pool, self.config.key, results), what="record outcomes"
        )
        for result in results:
            self._metrics.outcomes.labels(result.status, result.error_code or "").inc()
            await self._reporter.add(result)

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

    async def _without_call(self, job: DispatchJob, now: datetime) -> DeliveryResult | None:
        stopped = self._stopped(job, now, 0)
        if stopped is not None:
            return stopped
        for policy in self._policies:
            skip = await policy.check(job, self.config, now)
            if skip is not None:
                return outcome(job, "skipped", now=now, code=skip.rule, reason=skip.reason)
        return None

    async def _send(self, job: DispatchJob, attempt: int) -> DeliveryResult:
        """Call the platform until the message is sent or fails for good; the
        delivery stays `sending` meanwhile, whatever the number of calls."""
        external_id = job.recipient.external_id
        calls = failures = rate_limits = 0
        while True:
            booking = await self._pacer.wait_turn(external_id)
            now = utc_now()
            if calls == 0:
                # the wait may be long (a 15 s gap): the job may have to stop now
                stopped = await self._without_call(job, now)
                if stopped is not None:
                    return stopped
            calls += 1
            attempts = attempt + calls - 1
            started = time.perf_counter()
            result = await self._client.send(job, external_id)
            self._pacer.answered(booking)
            self._metrics.call_seconds.observe(time.perf_counter() - started)
            now = utc_now()
            match result:
                case Sent(platform_message_id=message_id):
                    self._metrics.calls.labels("sent").inc()
                    for policy in self._policies:
                        await policy.sent(job, self.config, now)
                    return outcome(
                        job, "sent", now=now, attempts=attempts, platform_message_id=message_id
                    )
                case Failed(code=code, reason=reason):
                    self._metrics.calls.labels("failed").inc()
                    return outcome(
                        job, "failed", now=now, attempts=attempts, code=code, reason=reason
                    )
                case Redirect(external_id=moved_to):
                    external_id = moved_to
                case RateLimited(retry_after=wait, code=code, reason=reason):
                    self._metrics.calls.labels("rate_limited").inc()
                    rate_limits += 1
                    if rate_limits > MAX_RATE_LIMIT_RETRIES:
                        return outcome(
                            job,
                            "failed",
                            now=now,
                            attempts=attempts,
                            code=code,
                            reason=f"{reason} (still limited after {rate_limits} waits)",
                        )
                    log.info(
                        "rate limited by the platform",
                        retry_after=wait,
                        connection_id=self.config.connection_id,
                    )
                    self._pacer.pause(wait)
                case ConnectionBlocked(code=code, reason=reason, pause_seconds=seconds):
                    self._metrics.calls.labels("blocked").inc()
                    self._metrics.paused.labels(code).inc()
                    await self._pause(now + timedelta(seconds=seconds), code, reason)
                    return outcome(
                        job,
                        "failed",
                        now=now,
                        attempts=attempts,
                        code=code,
                        reason=self._blocked_reason(now) or reason,
                    )
                case Retry(code=code, reason=reason):
                    self._metrics.calls.labels("retry").inc()
                    failures += 1
                    if failures >= self.config.limits.max_attempts:
                        return outcome(
                            job,
                            "failed",
                            now=now,
                            attempts=attempts,
                            code=code,
                            reason=f"{reason} (gave up after {failures} attempts)",
                        )
                    await asyncio.sleep(backoff_seconds(failures))

    async def _pause(self, until: datetime, code: str, reason: str) -> None:
        self._blocked = (until, reason)
        await repo.pause(self._pool, self.config.key, until, reason)
        log.warning(
            "connection paused by the platform", code=code, reason=reason, until=until.isoformat()
        )
