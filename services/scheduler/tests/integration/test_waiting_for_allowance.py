"""Deliveries a rate deferred (a WhatsApp number's daily cap, played by the
harness: 200 a day by the scheduler's clock) wait for the next allowance and go
then, in order; the campaign runs over the days it needs, counts each message
once toward the monthly limit, and can be cancelled while it waits."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from starlette.applications import Starlette
from test_support.clock import DayClock
from test_support.waiting import eventually

from .conftest import TENANT, Harness

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]


async def row(scheduler: Starlette, query: str, *args: Any) -> Any:
    return await scheduler.state.runtime.pool.fetchrow(query, *args)


async def waiting_for_tomorrow(scheduler: Starlette, campaign: uuid.UUID, clock: DayClock) -> bool:
    """Everything released has reported, and the campaign is held for tomorrow."""
    found = await row(
        scheduler, "SELECT outstanding, held_until, status FROM campaigns WHERE id = $1", campaign
    )
    if found is None:
        return False  # not scheduled yet
    held = found["held_until"] is not None and found["held_until"] > clock()
    return bool(found["outstanding"] == 0 and held and found["status"] == "running")


async def used_this_month(scheduler: Starlette) -> int:
    found = await row(
        scheduler,
        "SELECT coalesce(sum(released), 0) AS n FROM monthly_usage WHERE tenant_id = $1",
        TENANT,
    )
    return int(found["n"])


def sent_in_order(harness: Harness, campaign: uuid.UUID) -> list[int]:
    return [
        r.recipient_no
        for r in harness.platform.reported
        if r.campaign_id == campaign and r.status == "sent"
    ]


async def test_a_thousand_recipients_at_200_a_day_complete_on_the_fifth_day(
    harness: Harness, scheduler: Starlette, clock: DayClock
) -> None:
    harness.daily_cap = 200
    used_before = await used_this_month(scheduler)
    campaign = await harness.campaign(1000)
    for day in range(1, 5):
        await eventually(
            lambda: waiting_for_tomorrow(scheduler, campaign, clock),
            timeout=30,
            what=f"day {day} to be over",
        )
        assert sent_in_order(harness, campaign) == list(range(1, 200 * day + 1))
        clock.advance(timedelta(days=1))
        scheduler.state.releaser.wake()
    completed = await harness.final_event(campaign, "completed")
    assert (completed["sent"], completed["skipped"], completed["cancelled"]) == (1000, 0, 0)
    assert sent_in_order(harness, campaign) == list(range(1, 1001))
    # each day released only what waited (the campaign is held once the cap is hit)
    assert len(harness.released_of(campaign)) == 1000 + 800 + 600 + 400 + 200
    # a deferred message was committed once, when it was first released
    assert await used_this_month(scheduler) - used_before == 1000


async def test_a_campaign_waiting_for_tomorrow_can_be_cancelled(
    harness: Harness, scheduler: Starlette, clock: DayClock
) -> None:
    harness.daily_cap = 2
    campaign = await harness.campaign(5)
    await eventually(lambda: waiting_for_tomorrow(scheduler, campaign, clock), what="the wait")
    await harness.cancel(campaign)
    cancelled = await harness.final_event(campaign, "cancelled")
    assert (cancelled["sent"], cancelled["cancelled"], cancelled["skipped"]) == (2, 3, 0)
    ends = {
        r.recipient_no: r.status
        for r in harness.platform.reported
        if r.campaign_id == campaign and r.status != "deferred"
    }
    assert ends == {1: "sent", 2: "sent", 3: "cancelled", 4: "cancelled", 5: "cancelled"}
    clock.advance(timedelta(days=1))
    scheduler.state.releaser.wake()
    released = len(harness.released_of(campaign))
    await harness.final_event(campaign, "cancelled")
    assert len(harness.released_of(campaign)) == released == 5  # nothing more goes
