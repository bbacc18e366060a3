"""Campaigns cancelled: their jobs still queued are reported cancelled, not sent.
A cancel is for good, so a replica keeps every one it knew of."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from . import repo
from .campaign_sets import RereadCampaigns


class CancelledCampaigns(RereadCampaigns):
    what = "cancelled campaigns"

    async def add(self, pool: repo.Pool, campaign_id: UUID, at: datetime) -> None:
        await repo.add_cancelled(pool, campaign_id, at)
        self._ids.add(campaign_id)

    async def _read(self, pool: repo.Pool) -> set[UUID]:
        return await repo.cancelled_campaigns(pool)

    def _joined(self, read: set[UUID]) -> set[UUID]:
        return self._ids | read
