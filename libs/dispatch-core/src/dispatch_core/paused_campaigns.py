"""Campaigns paused: their jobs are held back (reported `deferred`, code
`campaign.paused`), neither sent nor cancelled, until the campaign is resumed
and the scheduler releases them again.  Each read replaces the set a replica
holds, so a resume reaches it too."""

from __future__ import annotations

import builtins
from datetime import datetime
from uuid import UUID

from . import repo
from .campaign_sets import RereadCampaigns

PAUSED_CODE = "campaign.paused"
PAUSED_REASON = "the campaign is paused: this message goes when it is resumed"


class PausedCampaigns(RereadCampaigns):
    what = "paused campaigns"

    async def set(self, pool: repo.Pool, campaign_id: UUID, paused: bool, at: datetime) -> None:
        """Write the change down, then read the set again (a later change may hold)."""
        await repo.set_campaign_paused(pool, campaign_id, paused, at)
        self._ids = await repo.paused_campaigns(pool)

    async def _read(self, pool: repo.Pool) -> builtins.set[UUID]:
        return await repo.paused_campaigns(pool)
