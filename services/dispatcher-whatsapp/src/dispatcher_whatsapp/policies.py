"""WhatsApp's rules, checked before any call.

* `OptedOut`: a person who replied STOP gets nothing more;
* `CustomerServiceWindow`: outside the 24-hour window since the person last
  wrote (the snapshot's time or a newer inbound message), only templates;
* `DailyRecipients`: the warm-up and the daily cap, counted in this service's
  table when WhatsApp accepts a message, so they hold across restarts and
  replicas; a message over today's allowance is deferred to the next one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from contracts.allowance import allowance_at
from contracts.dispatch import DispatchJob, OutboundTemplate
from dispatch_core.inbound import InboundLog
from dispatch_core.model import ConnectionConfig, Defer, Skip
from dispatch_core.policies import OptedOut, ReplyWindow
from dispatch_core.ports import Policy
from dispatch_core.repo import PoolSource
from service_kit.retry import retry_transient

from . import repo
from .domain import over_allowance, utc_day


class CustomerServiceWindow:
    """Free-form messages only within the reply window; an approved template may
    be sent to anyone."""

    rule = ReplyWindow.rule

    def __init__(self, window: ReplyWindow) -> None:
        self._window = window

    async def check(
        self, job: DispatchJob, connection: ConnectionConfig, now: datetime
    ) -> Skip | None:
        if isinstance(job.content, OutboundTemplate):
            return None
        skip = await self._window.check(job, connection, now)
        if skip is None:
            return None
        return Skip(skip.rule, f"{skip.reason}; outside it WhatsApp allows only approved templates")

    async def sent(self, job: DispatchJob, connection: ConnectionConfig, now: datetime) -> None:
        return None


class DailyRecipients:
    """The warm-up (`policy.warmup`) and the daily cap (`policy.daily_cap`): how many
    distinct people a number may message per UTC day (see `domain`)."""

    def __init__(self, pool: PoolSource) -> None:
        self._pool = pool

    async def check(
        self, job: DispatchJob, connection: ConnectionConfig, now: datetime
    ) -> Defer | Skip | None:
        limits, first_used_at = connection.limits, connection.first_used_at
        allowance = allowance_at(limits.daily, first_used_at, now)
        if allowance.recipients is None:
            return None
        today = await retry_transient(
            lambda: repo.recipients_on(
                self._pool(), connection.key, utc_day(now), job.recipient.external_id
            ),
            what="count today's recipients",
        )
        return over_allowance(limits, first_used_at, allowance, today, now)

    async def sent(self, job: DispatchJob, connection: ConnectionConfig, now: datetime) -> None:
        await retry_transient(
            lambda: repo.add_recipient(
                self._pool(), connection.key, utc_day(now), job.recipient.external_id, now
            ),
            what="count a recipient",
        )


def whatsapp_policies(pool: PoolSource) -> Sequence[Policy]:
    inbound = InboundLog(pool)
    return [
        OptedOut(inbound),
        CustomerServiceWindow(ReplyWindow(inbound)),
        DailyRecipients(pool),
    ]
