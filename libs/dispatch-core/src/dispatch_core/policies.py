"""Policies every channel may use."""

from __future__ import annotations

from datetime import datetime, timedelta

from contracts.dispatch import DispatchJob

from .inbound import InboundLog
from .model import ConnectionConfig, Skip


class ReplyWindow:
    """Only people who wrote within the connection's `reply_window_hours`: the
    platform forbids (Instagram, WhatsApp outside templates) or punishes
    (personal Telegram accounts) messages to anyone else, so never attempt one.

    With an `InboundLog`, the window counts from the freshest time the person
    wrote: the campaign's snapshot, or a message that arrived since."""

    rule = "policy.reply_window"

    def __init__(self, inbound: InboundLog | None = None) -> None:
        self._inbound = inbound

    async def check(
        self, job: DispatchJob, connection: ConnectionConfig, now: datetime
    ) -> Skip | None:
        hours = connection.limits.reply_window_hours
        if hours is None:
            return None
        last = await self._last_inbound(job, connection)
        if last is None:
            return Skip(self.rule, f"the person never wrote to this account; {_window(hours)}")
        if now - last > timedelta(hours=hours):
            return Skip(
                self.rule,
                f"the person last wrote {last:%Y-%m-%d %H:%M} UTC, over {hours:g} hours ago; "
                f"{_window(hours)}",
            )
        return None

    async def sent(self, job: DispatchJob, connection: ConnectionConfig, now: datetime) -> None:
        return None

    async def _last_inbound(
        self, job: DispatchJob, connection: ConnectionConfig
    ) -> datetime | None:
        known = job.recipient.last_inbound_at
        if self._inbound is None:
            return known
        contact = await self._inbound.contact(connection, job.recipient.external_id)
        if contact is None:
            return known
        return contact.last_inbound_at if known is None else max(known, contact.last_inbound_at)


class OptedOut:
    """A person who replied `STOP` gets nothing more, not even the rest of a
    campaign that was already running when they did, until they reply `START`."""

    rule = "policy.opted_out"

    def __init__(self, inbound: InboundLog) -> None:
        self._inbound = inbound

    async def check(
        self, job: DispatchJob, connection: ConnectionConfig, now: datetime
    ) -> Skip | None:
        contact = await self._inbound.contact(connection, job.recipient.external_id)
        if contact is None or contact.opted_out_at is None:
            return None
        return Skip(
            self.rule,
            f"the person replied STOP on {contact.opted_out_at:%Y-%m-%d %H:%M} UTC "
            "and opted out of all campaigns",
        )

    async def sent(self, job: DispatchJob, connection: ConnectionConfig, now: datetime) -> None:
        return None


def _window(hours: float) -> str:
    return f"{hours:g}-hour reply window rule: messaging them is not allowed"
