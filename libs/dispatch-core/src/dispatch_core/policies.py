"""Policies every channel may use."""

from __future__ import annotations

from datetime import datetime, timedelta

from contracts.dispatch import DispatchJob

from .model import ConnectionConfig, Skip


class ReplyWindow:
    """Only people who wrote within the connection's `reply_window_hours`: the
    platform forbids (Instagram, WhatsApp outside templates) or punishes
    (personal Telegram accounts) messages to anyone else, so never attempt one."""

    rule = "policy.reply_window"

    async def check(
        self, job: DispatchJob, connection: ConnectionConfig, now: datetime
    ) -> Skip | None:
        hours = connection.limits.reply_window_hours
        if hours is None:
            return None
        last = job.recipient.last_inbound_at
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


def _window(hours: float) -> str:
    return f"{hours:g}-hour reply window rule: messaging them is not allowed"
