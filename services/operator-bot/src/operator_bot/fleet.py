"""The groups' bots: one aiogram `Bot` per linked group (the tenant's own bot),
receiving its updates by long polling or by webhook.  Every update is kept in
PostgreSQL before it is handled and marked once handled, so a restart loses none
and handles none twice; one whose handling failed for a passing reason (campaign-api
or Telegram away) stays and is tried again."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from service_kit.logs import get_logger
from service_kit.secrets import SecretBox, SecretUnreadable

from . import repo
from .commands import Deps, router
from .groups import Group, open_group, webhook_secret
from .settings import Settings

log = get_logger(__name__)
PASSING = (httpx.TransportError, httpx.HTTPStatusError, TelegramNetworkError, TelegramServerError)
"""Failures that may pass: the update stays to be handled again."""
RETRY_SECONDS = 2.0


@dataclass
class Member:
    """A running bot and the groups it serves (a tenant's bot may be in several)."""

    bot_id: int
    token: str
    bot: Bot
    groups: dict[int, Group]
    lock: asyncio.Lock
    task: asyncio.Task[Any] | None = None

    @property
    def webhook_secret(self) -> str:
        return webhook_secret(self.token)


class Fleet:
    def __init__(self, settings: Settings, pool: Callable[[], repo.Pool], box: SecretBox,
                 deps: Callable[[], Deps]) -> None:  # fmt: skip
        self._settings = settings
        self._pool = pool
        self._box = box
        self._deps = deps
        self._dispatcher = Dispatcher()
        self._dispatcher.include_router(router)
        self._members: dict[int, Member] = {}
        """By bot id."""
        self._server = TelegramAPIServer.from_base(settings.telegram_api_base.rstrip("/"))

    def group(self, chat_id: int) -> tuple[Member, Group] | None:
        """The group (and its bot) with this chat id, if it is served."""
        for member in self._members.values():
            if chat_id in member.groups:
                return member, member.groups[chat_id]
        return None

    def by_bot(self, bot_id: int) -> Member | None:
        return self._members.get(bot_id)

    async def start(self) -> None:
        for stored in await repo.groups(self._pool()):
            await self.apply(stored)

    async def stop(self) -> None:
        for bot_id in list(self._members):
            await self._retire(bot_id)

    async def apply(self, stored: repo.StoredGroup) -> None:
        """Serve the group as it now is: its bot started if it is new (or its token
        changed), the group dropped when unlinked (and its bot stopped with its last group)."""
        served = self.group(stored.chat_id)
        if served is not None:
            member, _ = served
            del member.groups[stored.chat_id]
            if not member.groups:
                await self._retire(member.bot_id)
        if stored.unlinked:
            return
        try:
            group = open_group(stored, self._box)
        except SecretUnreadable as error:
            log.error(str(error), chat_id=stored.chat_id, tenant_id=stored.tenant_id)
            return
        member = self._members.get(group.bot_id) or await self._enlist(group.token)
        member.groups[group.chat_id] = group
        log.info("serving the group", chat_id=group.chat_id, tenant_id=group.tenant_id)

    async def _enlist(self, token: str) -> Member:
        """A group's bot, started: polling, or its webhook set.  Its tasks run in a
        context of their own, not that of the event that linked the group."""
        bot = Bot(token, session=AiohttpSession(api=self._server))
        member = Member(int(token.split(":", 1)[0]), token, bot, {}, asyncio.Lock())
        self._members[member.bot_id] = member
        me = await bot.me()  # the bot's @username: `/send@username` is read as `/send`
        log.info("the group's bot is serving", bot_id=member.bot_id, username=me.username)
        fresh = contextvars.Context()
        if self._settings.operator_bot_mode == "webhook":
            await self._set_webhook(member)
            member.task = asyncio.create_task(self.handle_pending(member), context=fresh)
        else:
            member.task = asyncio.create_task(self._poll(member), context=fresh)
        return member

    async def _retire(self, bot_id: int) -> None:
        member = self._members.pop(bot_id, None)
        if member is None:
            return
        if member.task is not None:
            member.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await member.task
        await member.bot.session.close()

    async def _set_webhook(self, member: Member) -> None:
        base = (self._settings.operator_bot_webhook_url or "").rstrip("/")
        await member.bot.set_webhook(
            f"{base}/telegram/{member.bot_id}",
            secret_token=member.webhook_secret,
            allowed_updates=["message"],
        )

    async def _poll(self, member: Member) -> None:
        """Long polling: keep what Telegram gives, confirm it with the next call's
        offset, then handle what is kept.  The first call takes what Telegram has not
        seen confirmed, not an offset from the table: update ids may start afresh (a
        bot idle for a week gets random ones), and one kept twice is kept once."""
        pool, bot_id = self._pool(), member.bot_id
        offset: int | None = None  # Telegram's own: what it has not seen confirmed
        waiting = not await self.handle_pending(member)
        while True:
            try:
                updates = await member.bot.get_updates(
                    offset=offset,
                    timeout=1 if waiting else self._settings.operator_bot_poll_seconds,
                    allowed_updates=["message"],
                )
            except TelegramRetryAfter as error:
                await asyncio.sleep(error.retry_after)
                continue
            except (TelegramNetworkError, TelegramServerError) as error:
                log.warning("Telegram did not answer getUpdates", error=str(error))
                await asyncio.sleep(RETRY_SECONDS)
                continue
            for update in updates:
                payload = update.model_dump(mode="json", exclude_none=True, by_alias=True)
                await repo.receive_update(pool, bot_id, payload)
                offset = update.update_id + 1
            waiting = not await self.handle_pending(member)

    async def receive(self, member: Member, payload: dict[str, Any]) -> None:
        """A webhook's update: kept now, handled in the background in order."""
        await repo.receive_update(self._pool(), member.bot_id, payload)
        asyncio.create_task(  # noqa: RUF006 - it logs its own failures
            self.handle_pending(member), context=contextvars.Context()
        )

    async def handle_pending(self, member: Member) -> bool:
        """Handle the group's kept updates in order; False when one must wait (a
        passing failure), with it and those after it still kept."""
        async with member.lock:
            pool = self._pool()
            for payload in await repo.pending_updates(pool, member.bot_id):
                if not await self._handle(member, payload):
                    return False
                await repo.mark_handled(pool, member.bot_id, payload["update_id"])
            return True

    async def _handle(self, member: Member, payload: dict[str, Any]) -> bool:
        """One update, given the group it was written in; one from a chat the bot
        serves no group in is passed over."""
        chat_id = payload.get("message", {}).get("chat", {}).get("id")
        group = member.groups.get(chat_id) if isinstance(chat_id, int) else None
        metrics = self._deps().metrics
        if group is None:
            metrics.updates.labels("passed_over").inc()
            return True
        try:
            await self._dispatcher.feed_raw_update(
                member.bot, payload, group=group, deps=self._deps(), update_id=payload["update_id"]
            )
        except PASSING as error:
            log.warning("an update waits: %s", error, chat_id=chat_id)
            metrics.updates.labels("waiting").inc()
            await asyncio.sleep(RETRY_SECONDS)
            return False
        except Exception:  # a failure that would come back the same: not retried
            log.exception("an update could not be handled", chat_id=chat_id)
            metrics.updates.labels("failed").inc()
            return True
        metrics.updates.labels("handled").inc()
        return True
