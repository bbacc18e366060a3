"""The notices of the sendings started from a group, posted in the topic where each
was asked for: when it starts, and when it ends (counts, failures by reason, then
the CSV report as documents).  Each notice is claimed in the database before it is
posted, so it is posted once whichever comes first — the campaign's event, or the
bot recording the sending it just started; a failed post gives its claim back and
is tried again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from contracts.campaigns import CampaignPausedV1
from service_kit.errors import Unprocessable

from . import notices, repo
from .campaign_api import CampaignApi
from .fleet import Fleet, Member
from .groups import Group
from .metrics import BotMetrics
from .telegram_calls import patiently

GONE = (TelegramForbiddenError, TelegramBadRequest)
"""Telegram refusing the bot the group for good (removed from it, topic deleted)."""
FINISHED = ("completed", "cancelled")


class Announcer:
    def __init__(
        self, pool: Callable[[], repo.Pool], fleet: Fleet, api: CampaignApi, metrics: BotMetrics
    ) -> None:
        self._pool = pool
        self._fleet = fleet
        self._api = api
        self._metrics = metrics

    async def catch_up(self, campaign_id: UUID) -> None:
        """Just after the bot recorded a sending: the notices of what already happened
        to it (a campaign may start, even end, before its answer came back)."""
        place = await repo.unfinished_sending(self._pool(), campaign_id)
        served = self._fleet.group(place.chat_id) if place else None
        if served is None:
            return
        campaign = await self._api.campaign(served[1].admin_key, campaign_id)
        if campaign["status"] in FINISHED:
            await self.finished(campaign_id, cancelled=campaign["status"] == "cancelled")
        elif campaign["status"] != "scheduled":
            await self.started(campaign_id)

    async def started(self, campaign_id: UUID) -> None:
        place = await repo.claim_start_notice(self._pool(), campaign_id)
        served = self._fleet.group(place.chat_id) if place else None
        if place is None or served is None:
            return
        member, group = served
        try:
            campaign = await self._api.campaign(group.admin_key, campaign_id)
            text = notices.started(group.language, campaign)
            await _post(member, place, text)
        except BaseException:
            await repo.release_start_notice(self._pool(), campaign_id)
            raise
        self._metrics.notices.labels("started").inc()

    async def paused_itself(self, event: CampaignPausedV1) -> None:
        """A sending started here paused itself: the reason, and how to resume it.
        A pause a person asked for is not announced (they know)."""
        if event.reason == "requested":
            return
        place = await repo.unfinished_sending(self._pool(), event.campaign_id)
        served = self._fleet.group(place.chat_id) if place else None
        if place is None or served is None:
            return
        member, group = served
        campaign = await self._api.campaign(group.admin_key, event.campaign_id)
        await _post(member, place, notices.paused_itself(group.language, campaign, event))
        self._metrics.notices.labels("paused").inc()

    async def finished(self, campaign_id: UUID, *, cancelled: bool) -> None:
        """The end notice and the report, after the start notice if that has not
        been posted yet (the end's event may be handled before the start's)."""
        await self.started(campaign_id)
        place = await repo.claim_finish_notice(self._pool(), campaign_id)
        served = self._fleet.group(place.chat_id) if place else None
        if place is None or served is None:
            return
        member, group = served
        try:
            await self._post_end(member, group, place, campaign_id, cancelled)
        except BaseException:
            await repo.release_finish_notice(self._pool(), campaign_id)
            raise

    async def _post_end(
        self, member: Member, group: Group, place: repo.Sending, campaign_id: UUID, cancelled: bool
    ) -> None:
        campaign = await self._api.campaign(group.admin_key, campaign_id)
        await _post(member, place, notices.finished(group.language, campaign, cancelled))
        self._metrics.notices.labels("finished").inc()
        report = await self._api.report(group.admin_key, campaign_id)
        for document in notices.report_documents(str(campaign_id), report):
            await _send(
                member.bot.send_document,
                place,
                document=document,
            )
            self._metrics.notices.labels("report").inc()


async def _post(member: Member, place: repo.Sending, text: str) -> None:
    await _send(member.bot.send_message, place, text=text)


async def _send(method: Callable[..., Any], place: repo.Sending, **content: Any) -> None:
    """Post in the sending's topic, replying to the command; Telegram refusing it
    for good (the bot removed, the topic deleted) is not tried again."""
    try:
        await patiently(
            lambda: method(
                chat_id=place.chat_id,
                message_thread_id=place.thread_id,
                reply_to_message_id=place.message_id,
                **content,
            )
        )
    except GONE as error:
        raise Unprocessable(f"Telegram refused the notice: {error}") from None
