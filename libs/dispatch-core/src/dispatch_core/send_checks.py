"""Whether a message may still go out: checked before its turn and again right
before every call to the platform."""

from __future__ import annotations

from collections.abc import Callable, Container, Sequence
from datetime import datetime
from uuid import UUID

from contracts.dispatch import DeliveryResult, DispatchJob

from .model import ConnectionConfig, Defer
from .paused_campaigns import PAUSED_CODE, PAUSED_REASON
from .pauses import ConnectionPause
from .ports import Policy
from .results import CANCELLED_REASON, outcome


class SendChecks:
    def __init__(
        self,
        *,
        config: Callable[[], ConnectionConfig],
        cancelled: Container[UUID],
        pause: ConnectionPause,
        policies: Sequence[Policy],
        paused: Container[UUID] = frozenset(),
    ) -> None:
        """`paused`: the campaigns paused now, whose jobs are held back."""
        self._config = config
        self._cancelled = cancelled
        self._paused = paused
        self._pause = pause
        self.policies = policies

    def stopped(
        self, job: DispatchJob, now: datetime, attempts: int, *, may_hold: bool = True
    ) -> DeliveryResult | None:
        """A job that must not go out now: its campaign was cancelled, or (unless
        `may_hold` is False: part of the message was delivered) paused, or the
        connection was removed or paused.  A paused campaign's job is `deferred`
        without a time: the scheduler releases it again when the campaign resumes.
        It is checked before the connection's pause, so jobs of a campaign paused
        for its restricted account wait rather than fail."""
        if job.campaign_id in self._cancelled:
            return outcome(
                job,
                "cancelled",
                now=now,
                attempts=attempts,
                code="campaign.cancelled",
                reason=CANCELLED_REASON,
            )
        if may_hold and job.campaign_id in self._paused:
            return outcome(job, "deferred", now=now, code=PAUSED_CODE, reason=PAUSED_REASON)
        if self._config().deleted:
            return outcome(
                job,
                "failed",
                now=now,
                attempts=attempts,
                code="connection.removed",
                reason="the connection was removed",
            )
        blocked = self._pause.reason(now)
        if blocked:
            return outcome(
                job, "failed", now=now, attempts=attempts, code="connection.paused", reason=blocked
            )
        return None

    async def policy_skip(
        self, job: DispatchJob, now: datetime, *, may_defer: bool = True
    ) -> DeliveryResult | None:
        """The first policy's decision against the job: skipped, or deferred (unless
        `may_defer` is False: a call for it may have reached the platform already,
        so it is finished now rather than left to wait)."""
        for policy in self.policies:
            decision = await policy.check(job, self._config(), now)
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

    async def before_turn(self, job: DispatchJob, now: datetime) -> DeliveryResult | None:
        """Before a message waits for its turn: stopped, or a policy against it."""
        return self.stopped(job, now, 0) or await self.policy_skip(job, now)

    async def tell_sent(self, job: DispatchJob, now: datetime) -> None:
        """The platform accepted the message (its first part): the policies count it."""
        for policy in self.policies:
            await policy.sent(job, self._config(), now)
