"""Start times, intervals, chains, cancel and the monthly limit, on the real
broker and database."""

from __future__ import annotations

import itertools
import statistics
import time

import pytest
from contracts.content import TextContent
from contracts.scheduling import CampaignStep
from starlette.applications import Starlette
from test_support.waiting import eventually

from .conftest import TENANT, Harness

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]


async def test_every_recipient_is_released_once_and_the_campaign_completes(
    harness: Harness,
) -> None:
    campaign = await harness.campaign(1200)
    completed = await harness.final_event(campaign, "completed")
    numbers = [r.job.recipient_no for r in harness.released_of(campaign)]
    assert sorted(numbers) == list(range(1, 1201))
    assert (completed["audience_size"], completed["sent"], completed["failed"]) == (1200, 1200, 0)
    started = [body for key, body in harness.platform.lifecycle if key == "campaign.started.v1"]
    assert started[0]["audience_size"] == 1200


async def test_interval_spaces_consecutive_messages(harness: Harness) -> None:
    campaign = await harness.campaign(12, interval=0.25)
    await harness.final_event(campaign, "completed")
    times = [r.at for r in harness.released_of(campaign)]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(gaps) == 11
    assert min(gaps) >= 0.25 - 0.03, gaps
    assert abs(statistics.mean(gaps) - 0.25) < 0.025, gaps


async def test_a_future_start_time_holds_the_campaign(harness: Harness) -> None:
    campaign = await harness.campaign(3, start_in=2.0)
    scheduled_at = time.monotonic()
    await harness.final_event(campaign, "completed")
    first = min(r.at for r in harness.released_of(campaign))
    assert first - scheduled_at >= 1.8


async def test_chain_steps_follow_the_actual_send_of_the_previous_step(harness: Harness) -> None:
    harness.send_delay = 0.6  # the platform takes a while: step 2 counts from the send
    steps = [
        CampaignStep(step_no=1, content=TextContent(text="one")),
        CampaignStep(step_no=2, delay_seconds=1.0, content=TextContent(text="two")),
    ]
    campaign = await harness.campaign(3, steps=steps)
    completed = await harness.final_event(campaign, "completed")
    assert completed["sent"] == 6
    released = harness.released_of(campaign)
    for n in (1, 2, 3):
        first = next(r.at for r in released if r.job.recipient_no == n and r.job.step_no == 1)
        second = next(r.at for r in released if r.job.recipient_no == n and r.job.step_no == 2)
        assert second - first >= 0.6 + 1.0 - 0.05  # after the send, not after the release
        assert second - first < 0.6 + 1.0 + 1.0


async def test_a_failed_step_ends_the_chain_for_that_recipient(harness: Harness) -> None:
    harness.outcome_for["2"] = "failed"
    steps = [
        CampaignStep(step_no=1, content=TextContent(text="one")),
        CampaignStep(step_no=2, delay_seconds=0.2, content=TextContent(text="two")),
        CampaignStep(step_no=3, delay_seconds=0.2, content=TextContent(text="three")),
    ]
    campaign = await harness.campaign(2, steps=steps)
    completed = await harness.final_event(campaign, "completed")
    assert (completed["sent"], completed["failed"], completed["skipped"]) == (3, 1, 2)
    assert not [
        r for r in harness.released_of(campaign) if r.job.recipient_no == 2 and r.job.step_no > 1
    ]
    skipped = [
        (r.recipient_no, r.step_no)
        for r in harness.platform.reported
        if r.error_code == "chain.previous_step"
    ]
    assert sorted(skipped) == [(2, 2), (2, 3)]


async def test_cancel_stops_releases_and_reports_the_rest_cancelled(harness: Harness) -> None:
    campaign = await harness.campaign(40, interval=0.1)
    await eventually(lambda: _released(harness, campaign, 5), what="five releases")
    await harness.cancel(campaign)
    cancelled = await harness.final_event(campaign, "cancelled")
    released = len(harness.released_of(campaign))
    assert released < 40
    assert cancelled["sent"] == released
    assert cancelled["cancelled"] == 40 - released


async def test_nothing_is_released_past_the_monthly_limit(
    harness: Harness, scheduler: Starlette
) -> None:
    await harness.tenant(monthly_limit=5)

    async def limit_known() -> bool:
        pool = scheduler.state.runtime.pool
        return await pool.fetchval("SELECT monthly_limit FROM tenants WHERE id = $1", TENANT) == 5

    await eventually(limit_known, what="the tenant's limit")
    test_send = await harness.campaign(2, counts_toward_quota=False)
    await harness.final_event(test_send, "completed")
    campaign = await harness.campaign(8)
    completed = await harness.final_event(campaign, "completed")
    assert len(harness.released_of(campaign)) == 5
    assert (completed["sent"], completed["skipped"]) == (5, 3)
    reasons = {
        r.error_reason for r in harness.platform.reported if r.error_code == "quota.monthly_limit"
    }
    assert len(reasons) == 1
    assert "monthly limit of 5 messages" in reasons.pop()


async def _released(harness: Harness, campaign: object, count: int) -> bool:
    return len([r for r in harness.platform.released if r.job.campaign_id == campaign]) >= count
