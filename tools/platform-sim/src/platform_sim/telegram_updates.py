"""Updates for bots: queued per bot until confirmed, taken by `getUpdates` (long polling) or
POSTed to the bot's webhook, as Telegram does.

Update ids increase by one per bot from a random start, and never restart while the
simulator runs (not even on reset), so an id a bot stored as done is never given again.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import deque
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import aiohttp

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header's name
WEBHOOK_TIMEOUT_SECONDS = 10.0
"""How long a webhook POST may take before it counts as failed."""
MAX_UPDATES = 100


@dataclass(slots=True)
class Webhook:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


class Superseded(Exception):
    """A held getUpdates ended by a newer getUpdates or by setWebhook; `reason` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Mailbox:
    """One bot's updates not yet confirmed, and the webhook they go to if one is set."""

    def __init__(self, first_id: int) -> None:
        self.next_id = first_id
        self.pending: deque[dict[str, Any]] = deque()
        self.webhook: Webhook | None = None
        self.sender: asyncio.Task[None] | None = None
        self._polls = 0
        self._ended_by = ""
        self._changed = asyncio.Event()

    def push(self, body: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": self.next_id, **body}
        self.next_id += 1
        self.pending.append(update)
        self._wake()
        return update

    def confirm(self, offset: int | None) -> None:
        """Forget updates before `offset`; a negative offset keeps only the last -offset."""
        if offset is None:
            return
        if offset < 0:
            while len(self.pending) > -offset:
                self.pending.popleft()
            return
        while self.pending and self.pending[0]["update_id"] < offset:
            self.pending.popleft()

    def take(self, limit: int) -> list[dict[str, Any]]:
        """The oldest `limit` pending updates; they stay pending until confirmed."""
        return list(self.pending)[:limit]

    async def wait(self, seconds: float) -> None:
        """Hold a getUpdates until an update is pending or `seconds` pass; raise Superseded
        when another getUpdates or a setWebhook ends it first."""
        self._polls += 1
        mine = self._polls
        self._end_polls(
            "terminated by other getUpdates request; "
            "make sure that only one bot instance is running"
        )
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                while not self.pending:
                    await self._changed.wait()
                    if self._polls != mine:
                        raise Superseded(self._ended_by)

    def end_polls(self, reason: str) -> None:
        """End any held getUpdates with 409 Conflict: `reason`."""
        self._polls += 1
        self._end_polls(reason)

    def _end_polls(self, reason: str) -> None:
        self._ended_by = reason
        self._wake()

    def _wake(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def clear(self) -> None:
        """Drop pending updates and the webhook; keep counting update ids."""
        self.pending.clear()
        self.webhook = None
        if self.sender is not None:
            self.sender.cancel()
            self.sender = None
        self._wake()


class Updates:
    """Every bot's mailbox, and the webhook deliveries."""

    def __init__(self, retry_seconds: float = 1.0) -> None:
        self._mailboxes: dict[str, Mailbox] = {}
        self._rng = random.Random()
        self._session: aiohttp.ClientSession | None = None
        self.retry_seconds = retry_seconds

    def mailbox(self, bot_id: str) -> Mailbox:
        box = self._mailboxes.get(bot_id)
        if box is None:
            box = self._mailboxes[bot_id] = Mailbox(self._rng.randrange(10**8, 10**9))
        return box

    def push(self, bot_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Queue an update (`body` holds e.g. `message`) and send it on if a webhook is set."""
        box = self.mailbox(bot_id)
        update = box.push(body)
        self.deliver(box)
        return update

    def set_webhook(self, bot_id: str, webhook: Webhook, *, drop_pending: bool) -> None:
        box = self.mailbox(bot_id)
        if drop_pending:
            box.pending.clear()
        box.webhook = webhook
        box.end_polls("terminated by setWebhook request")
        self.deliver(box)

    def delete_webhook(self, bot_id: str, *, drop_pending: bool) -> None:
        box = self.mailbox(bot_id)
        if drop_pending:
            box.pending.clear()
        box.webhook = None

    def webhook_info(self, bot_id: str) -> dict[str, Any]:
        """The WebhookInfo object (url "" when updates are taken by getUpdates)."""
        box = self.mailbox(bot_id)
        info: dict[str, Any] = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(box.pending),
        }
        hook = box.webhook
        if hook is not None:
            info |= {"url": hook.url, "max_connections": hook.max_connections}
            if hook.allowed_updates is not None:
                info["allowed_updates"] = hook.allowed_updates
            if hook.last_error_date is not None:
                info["last_error_date"] = hook.last_error_date
                info["last_error_message"] = hook.last_error_message
        return info

    def deliver(self, box: Mailbox) -> None:
        """Start sending `box`'s pending updates to its webhook, unless already under way."""
        if box.webhook is not None and box.pending and box.sender is None:
            box.sender = asyncio.get_running_loop().create_task(self._send_all(box))

    async def _send_all(self, box: Mailbox) -> None:
        """POST pending updates one at a time, in order; retry one the bot does not take."""
        try:
            while box.webhook is not None and box.pending:
                hook, update = box.webhook, box.pending[0]
                error = await self._post(hook, update)
                if box.webhook is not hook:
                    continue
                if error is None:
                    if box.pending and box.pending[0] is update:
                        box.pending.popleft()
                    continue
                hook.last_error_date = int(time.time())
                hook.last_error_message = error
                await asyncio.sleep(self.retry_seconds)
        finally:
            if box.sender is asyncio.current_task():
                box.sender = None

    async def _post(self, hook: Webhook, update: dict[str, Any]) -> str | None:
        """POST one update; None when the bot answered 2xx, else the error Telegram reports."""
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=WEBHOOK_TIMEOUT_SECONDS)
            )
        headers = {SECRET_HEADER: hook.secret_token} if hook.secret_token else {}
        try:
            async with self._session.post(hook.url, json=update, headers=headers) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return None
                return f"Wrong response from the webhook: {_status_line(response.status)}"
        except TimeoutError:
            return "Read timeout expired"
        except aiohttp.ClientError as exc:
            return f"Connection failed: {exc.__class__.__name__}"

    def clear(self) -> None:
        for box in self._mailboxes.values():
            box.clear()

    async def close(self) -> None:
        self.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)
