"""Quiet hours in the recipient's own time zone, on the real broker and database,
with the scheduler's clock injected.

The quiet periods are set around the time the test runs (the hour of UTC now),
so the same zones are inside or outside whatever the hour: a 4-hour period in
UTC never holds Asia/Tokyo (UTC+9) or America/New_York (UTC-5/-4) at once."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from contracts.base import utc_now
from contracts.content import TextContent
from contracts.quiet_hours import QuietHours
from contracts.scheduling import CampaignStep
from starlette.applications import Starlette
from test_support.clock import DayClock
from test_support.waiting import eventually

from .conftest import Harness

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]

ZONES = [
    {"timezone": "Asia/Tokyo"},
    {"timezone": "America/New_York"},
    {},  # no attribute: the tenant's default
    {"timezone": "Mars/Olympus_Mons"},  # not a zone: the tenant's default
]


def _hour(offset: int) -> datetime:
    """The start of UTC now's hour, `offset` hours on."""
    return utc_now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=offset)


def _quiet(start: datetime, end: datetime) -> QuietHours:
    return QuietHours(start=start.strftime("%H:%M"), end=end.strftime("%H:%M"))


async def _due_times(scheduler: Starlette, campaign: uuid.UUID) -> dict[int, datetime]:
    rows = await scheduler.state.runtime.pool.fetch(
        "SELECT recipient_no, due_at FROM recipients WHERE campaign_id = $1 AND state = 'waiting'",
        campaign,
    )
    return {row["recipient_no"]: row["due_at"] for row in rows}


def _sent_to(harness: Harness, campaign: uuid.UUID) -> list[int]:
    return sorted(r.job.recipient_no for r in harness.released_of(campaign))


async def _waiting(scheduler: Starlette, campaign: uuid.UUID, count: int) -> dict[int, datetime]:
    async def found() -> dict[int, datetime] | None:
        due = await _due_times(scheduler, campaign)
        return due if len(due) == count else None

    return await eventually(found, what=f"{count} recipients waiting")


async def _sent(harness: Harness, campaign: uuid.UUID, count: int) -> list[int]:
    async def found() -> list[int] | None:
        sent = _sent_to(harness, campaign)
        return sent if len(sent) == count else None

    return await eventually(found, what=f"{count} released")


async def test_those_whose_local_time_is_quiet_wait_until_it_ends(
    harness: Harness, scheduler: Starlette
) -> None:
    # quiet in UTC from an hour ago to three hours on: now, in UTC, is inside
    end = _hour(3)
    campaign = await harness.campaign(
        4, quiet_hours=_quiet(_hour(-1), end), timezone="UTC", attributes=ZONES
    )
    assert await _sent(harness, campaign, 2) == [1, 2]  # Tokyo and New York
    waiting = await _waiting(scheduler, campaign, 2)
    # no attribute and a bogus one: the tenant's default zone, due when its quiet ends
    assert waiting == {3: end, 4: end}


async def test_the_tenants_default_zone_places_those_without_one(
    harness: Harness, scheduler: Starlette
) -> None:
    # a period around now in Tokyo, Tokyo the tenant's zone: only New York is not quiet
    tokyo = ZoneInfo("Asia/Tokyo")
    end = _hour(3)
    campaign = await harness.campaign(
        4,
        quiet_hours=_quiet(_hour(-1).astimezone(tokyo), end.astimezone(tokyo)),
        timezone="Asia/Tokyo",
        attributes=ZONES,
    )
    assert await _sent(harness, campaign, 1) == [2]
    assert await _waiting(scheduler, campaign, 3) == {1: end, 3: end, 4: end}


class TestALateRelease:
    @pytest.fixture
    def clock(self) -> DayClock:
        """The scheduler's clock three hours ahead of the real one: its releases
        come "late", when the recipients' quiet hours have begun."""
        return DayClock(utc_now() + timedelta(hours=3))

    async def test_inside_quiet_hours_puts_them_back(
        self, harness: Harness, scheduler: Starlette
    ) -> None:
        # quiet from two to five hours on: when the campaign is loaded (now) nobody
        # is inside, when it is released (the clock three hours on) UTC's people are
        end = _hour(5)
        campaign = await harness.campaign(4, quiet_hours=_quiet(_hour(2), end), attributes=ZONES)
        assert await _sent(harness, campaign, 2) == [1, 2]
        assert await _waiting(scheduler, campaign, 2) == {3: end, 4: end}
        released = await scheduler.state.runtime.pool.fetchval(
            "SELECT count(*) FROM recipients WHERE campaign_id = $1 "
            "AND released_at IS NOT NULL AND state = 'waiting'",
            campaign,
        )
        assert released == 0


async def test_a_next_step_due_inside_quiet_hours_waits_for_their_end(
    harness: Harness, scheduler: Starlette
) -> None:
    # step 2 goes two hours after step 1, inside UTC's quiet period (1 to 4 hours
    # on) but not inside Tokyo's or New York's
    end = _hour(4)
    steps = [
        CampaignStep(step_no=1, content=TextContent(text="one")),
        CampaignStep(step_no=2, delay_seconds=7200, content=TextContent(text="two")),
    ]
    campaign = await harness.campaign(
        4, steps=steps, quiet_hours=_quiet(_hour(1), end), attributes=ZONES
    )
    assert await _sent(harness, campaign, 4) == [1, 2, 3, 4]
    waiting = await _waiting(scheduler, campaign, 4)
    assert waiting[3] == end
    assert waiting[4] == end
    for n in (1, 2):  # two hours after their first step, unmoved
        assert end - timedelta(hours=3) < waiting[n] < end, waiting
