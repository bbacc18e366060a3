"""What the bot hears on the broker: groups linked (served from then on), topics
bound to customers, and the start, end and pauses for a reason of their own of
the sendings it started (posted in the topic where each was asked for)."""

from __future__ import annotations

from collections.abc import Callable

from contracts.campaigns import (
    CampaignCancelledV1,
    CampaignCompletedV1,
    CampaignPausedV1,
    CampaignStartedV1,
)
from contracts.names import CAMPAIGNS_EXCHANGE, DIALOGS_EXCHANGE, INTERNAL_EXCHANGE, RoutingKey
from contracts.operator_groups import DialogTopicBoundV1, OperatorGroupLinkedV1
from service_kit.subscribers import consumes

from . import repo
from .announcer import Announcer
from .fleet import Fleet

GROUPS = "operator-bot.groups"
TOPICS = "operator-bot.topics"
STARTED = "operator-bot.campaign-started"
COMPLETED = "operator-bot.campaign-completed"
CANCELLED = "operator-bot.campaign-cancelled"
PAUSED = "operator-bot.campaign-paused"


class Handlers:
    def __init__(self, pool: Callable[[], repo.Pool], fleet: Fleet, announcer: Announcer) -> None:
        self._pool = pool
        self._fleet = fleet
        self._announcer = announcer

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
        await self._announcer.started(event.campaign_id)

    @consumes(COMPLETED, CAMPAIGNS_EXCHANGE, RoutingKey.CAMPAIGN_COMPLETED)
    async def on_completed(self, event: CampaignCompletedV1) -> None:
        await self._announcer.finished(event.campaign_id, cancelled=False)

    @consumes(CANCELLED, CAMPAIGNS_EXCHANGE, RoutingKey.CAMPAIGN_CANCELLED)
    async def on_cancelled(self, event: CampaignCancelledV1) -> None:
        await self._announcer.finished(event.campaign_id, cancelled=True)

    @consumes(PAUSED, CAMPAIGNS_EXCHANGE, RoutingKey.CAMPAIGN_PAUSED)
    async def on_paused(self, event: CampaignPausedV1) -> None:
        await self._announcer.paused_itself(event)
