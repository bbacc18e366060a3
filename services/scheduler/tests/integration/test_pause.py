"""Pause and resume, by a person and by the campaign itself, on the real broker
and database: nothing is released while a campaign is paused, what a dispatcher
held back waits again in its place, and a resume goes on where it stopped, each
delivery sent once and its monthly usage counted once."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

import pytest
from contracts.base import utc_now
from contracts.names import RoutingKey
from contracts.scheduling import AutoPauseThreshold
from starlette.applications import Starlette
from test_support.waiting import eventually

from .conftest import TENANT, Harness

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]


async def campaign_row(scheduler: Starlette, campaign: uuid.UUID) -> Any:
    pool = scheduler.state.runtime.pool
    return await pool.fetchrow(
        "SELECT paused_at, held_until, outstanding FROM campaigns WHERE id = $1", campaign
    )


async def used_this_month(scheduler: Starlette) -> int:
    pool = scheduler.state.runtime.pool
    used = await pool.fetchval(
        "SELECT coalesce(sum(released), 0) FROM monthly_usage WHERE tenant_id = $1", TENANT
    )
    return int(used)


def sent(harness: Harness, campaign: uuid.UUID) -> Counter[int]:
    return Counter(
        r.recipient_no
        for r in harness.platform.reported
        if r.campaign_id == campaign and r.status == "sent"
    )


async def test_a_paused_campaign_releases_nothing_and_resumes_where_it_stopped(
    harness: Harness, scheduler: Starlette
) -> None:
    used_before = await used_this_month(scheduler)
    campaign = await harness.campaign(30, interval=0.05)
    await eventually(lambda: _released(harness, campaign, 5), what="five releases")
    harness.paused.add(campaign)  # the dispatchers hold back what they still have
    await harness.pause(campaign)
    [paused] = await eventually(
        lambda: _events(harness, campaign, RoutingKey.CAMPAIGN_PAUSED), what="campaign.paused.v1"
    )
    # Nothing is released once the pause has committed, and its event is committed with
    # it. (paused_at is the person's request time: a release between the request and
    # the commit is allowed, and happens under load with a release every 50 ms.)
    committed_by = utc_now()
    assert (paused["reason"], paused["requested_by"]) == ("requested", "ann")
    released = [r for r in harness.released_of(campaign) if r.job.released_at >= committed_by]
    assert released == [], "released after the pause"

    async def settled_paused() -> bool:
        found = await campaign_row(scheduler, campaign)
        return bool(found["outstanding"] == 0)

    await eventually(settled_paused, what="what was in flight to come back")
    count = len(harness.released_of(campaign))
    await harness.publish_nothing_for(0.5)
    assert len(harness.released_of(campaign)) == count, "released while paused"
    assert (await campaign_row(scheduler, campaign))["held_until"] is None

    harness.paused.discard(campaign)
    await harness.resume(campaign)
    completed = await harness.final_event(campaign, "completed")
    [resumed] = harness.events_of(campaign, RoutingKey.CAMPAIGN_RESUMED)
    assert resumed["requested_by"] == "ann"
    assert (completed["sent"], completed["cancelled"], completed["skipped"]) == (30, 0, 0)
    assert sent(harness, campaign) == Counter(range(1, 31)), "a recipient got it twice or never"
    first_sends = [r for r in harness.platform.reported if r.campaign_id == campaign]
    in_order = [r.recipient_no for r in first_sends if r.status == "sent"]
    assert in_order == sorted(in_order), "the held-back ones did not go first"
    assert await used_this_month(scheduler) - used_before == 30


async def test_a_campaign_pauses_itself_when_its_failures_pass_the_threshold(
    harness: Harness, scheduler: Starlette
) -> None:
    # one in four fails: 25% of every 20 attempts, over the threshold of 20%
    harness.outcome_for = {str(n): "failed" for n in range(4, 200, 4)}
    threshold = AutoPauseThreshold(failure_ratio=0.2, window=20)
    campaign = await harness.campaign(200, interval=0.02, auto_pause=threshold)
    [paused] = await eventually(
        lambda: _events(harness, campaign, RoutingKey.CAMPAIGN_PAUSED), what="campaign.paused.v1"
    )
    assert paused["reason"] == "failure_rate"
    figures = paused["failure_rate"]
    assert figures["attempts"] == 20
    assert figures["failed"] >= 4
    assert figures["threshold"] == 0.2
    await harness.publish_nothing_for(0.5)
    count = len(harness.released_of(campaign))
    await harness.publish_nothing_for(0.5)
    assert len(harness.released_of(campaign)) == count < 200
    assert harness.events_of(campaign, RoutingKey.CAMPAIGN_COMPLETED) == []

    # a person resumes it; the count starts afresh, so it runs on for a while
    harness.outcome_for = {}
    await harness.resume(campaign)
    completed = await harness.final_event(campaign, "completed")
    assert completed["sent"] + completed["failed"] == 200
    assert len(harness.events_of(campaign, RoutingKey.CAMPAIGN_PAUSED)) == 1


async def test_a_campaign_under_the_threshold_runs_to_the_end(harness: Harness) -> None:
    harness.outcome_for = {str(n): "failed" for n in range(10, 60, 10)}  # 10%
    threshold = AutoPauseThreshold(failure_ratio=0.2, window=20)
    campaign = await harness.campaign(50, auto_pause=threshold)
    completed = await harness.final_event(campaign, "completed")
    assert (completed["sent"], completed["failed"]) == (45, 5)
    assert harness.events_of(campaign, RoutingKey.CAMPAIGN_PAUSED) == []


async def test_a_restricted_account_pauses_its_running_campaigns(
    harness: Harness, scheduler: Starlette
) -> None:
    campaign = await harness.campaign(40, interval=0.05)
    await eventually(lambda: _released(harness, campaign, 3), what="three releases")
    await harness.restricted("PEER_FLOOD")
    [paused] = await eventually(
        lambda: _events(harness, campaign, RoutingKey.CAMPAIGN_PAUSED), what="campaign.paused.v1"
    )
    assert (paused["reason"], paused["platform_code"]) == ("account_restricted", "PEER_FLOOD")
    assert "spam" in paused["detail"]
    assert (await campaign_row(scheduler, campaign))["paused_at"] is not None


async def test_a_pause_that_comes_after_a_later_resume_is_ignored(
    harness: Harness, scheduler: Starlette
) -> None:
    """The two come on separate queues: the person's order holds, not the broker's."""
    campaign = await harness.campaign(20, interval=0.05)
    await eventually(lambda: _released(harness, campaign, 2), what="two releases")
    asked_to_pause = utc_now()
    await harness.resume(campaign)
    await harness.pause(campaign, at=asked_to_pause)
    completed = await harness.final_event(campaign, "completed")
    assert completed["sent"] == 20
    assert harness.events_of(campaign, RoutingKey.CAMPAIGN_PAUSED) == []


async def _released(harness: Harness, campaign: uuid.UUID, count: int) -> bool:
    return len(harness.released_of(campaign)) >= count


async def _events(harness: Harness, campaign: uuid.UUID, key: str) -> list[dict[str, Any]] | None:
    return harness.events_of(campaign, key) or None
