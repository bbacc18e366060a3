"""What the bot hears on the broker: groups linked (served from then on), topics
bound to customers, and the start and end of the sendings it started (posted in
the topic where each was asked for)."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from contracts.campaigns import CampaignCancelledV1, CampaignCompletedV1, CampaignStartedV1
from contracts.names import CAMPAIGNS_EXCHANGE, DIALOGS_EXCHANGE, INTERNAL_EXCHANGE, RoutingKey
from contracts.operator_groups import DialogTopicBoundV1, OperatorGroupLinkedV1
from service_kit.errors import Unprocessable
from service_kit.subscribers import consumes

from . import notices, repo
from .campaign_api import CampaignApi
from .fleet import Fleet, Member
from .metrics import BotMetrics

GROUPS = "operator-bot.groups"
TOPICS = "operator-bot.topics"
STARTED = "operator-bot.campaign-started"
COMPLETED = "operator-bot.campaign-completed"
CANCELLED = "operator-bot.campaign-cancelled"
GONE = (TelegramForbiddenError, TelegramBadRequest)
"""Telegram refusing the bot the group for good (removed from it, topic deleted)."""


class Handlers:
    def __init__(
        self, pool: Callable[[], repo.Pool], fleet: Fleet, api: CampaignApi, metrics: BotMetrics
    ) -> None:
        self._pool = pool
        self._fleet = fleet
        self._api = api
        self._metrics = metrics

    @consumes(GROUPS, INTERNAL_EXCHANGE, RoutingKey.OPERATOR_GROUP_LINKED)
    async def on_group_linked(self, event: OperatorGroupLinkedV1) -> None:
        if await repo.save_group(self._pool(), event):
            (stored,) = await repo.groups(self._pool(), event.chat_id)
            await self._fleet.apply(stored)

    @consumes(TOPICS, DIALOGS_EXCHANGE, RoutingKey.DIALOG_TOPIC_BOUND)
    async def on_topic_bound(self, event: DialogTopicBoundV1) -> None:
        await repo.save_topic(self._pool(), event)

    @consumes(STARTED, CAMPAIGNS_EXCHANGE, RoutingKey.CAMPAIGN_STARTED)
    async def on_started(self, event: CampaignStartedV1) -> None:
        place = await repo.claim_start_notice(self._pool(), event.campaign_id)
        served = self._fleet.group(place.chat_id) if place else None
        if place is None or served is None:
            return
        member, group = served
        campaign = await self._api.campaign(group.admin_key, event.campaign_id)
        text = notices.started(
            group.language, campaign.get("sending_id"), event.name, event.audience_size
        )
        await _post(member, place, text)
        self._metrics.notices.labels("started").inc()

    @consumes(COMPLETED, CAMPAIGNS_EXCHANGE, RoutingKey.CAMPAIGN_COMPLETED)
    async def on_completed(self, event: CampaignCompletedV1) -> None:
        await self._finished(event.campaign_id, cancelled=False)

    @consumes(CANCELLED, CAMPAIGNS_EXCHANGE, RoutingKey.CAMPAIGN_CANCELLED)
    async def on_cancelled(self, event: CampaignCancelledV1) -> None:
        await self._finished(event.campaign_id, cancelled=True)

    async def _finished(self, campaign_id: UUID, *, cancelled: bool) -> None:
        """The end notice, then the report; marked posted once both are."""
        place = await repo.unfinished_sending(self._pool(), campaign_id)
        served = self._fleet.group(place.chat_id) if place else None
        if place is None or served is None:
            return
        member, group = served
        campaign = await self._api.campaign(group.admin_key, campaign_id)
        await _post(member, place, notices.finished(group.language, campaign, cancelled))
        self._metrics.notices.labels("finished").inc()
        report = await self._api.report(group.admin_key, campaign_id)
        for document in notices.report_documents(str(campaign_id), report):
            try:
                await member.bot.send_document(
                    place.chat_id,
                    document,
                    message_thread_id=place.thread_id,
                    reply_to_message_id=place.message_id,
                )
            except GONE as error:
                raise Unprocessable(f"Telegram refused the report: {error}") from None
            self._metrics.notices.labels("report").inc()
        await repo.mark_finish_notice(self._pool(), campaign_id)


async def _post(member: Member, place: repo.Sending, text: str) -> None:
    try:
        await member.bot.send_message(
            place.chat_id,
            text,
            message_thread_id=place.thread_id,
            reply_to_message_id=place.message_id,
        )
    except GONE as error:
        raise Unprocessable(f"Telegram refused the notice: {error}") from None
