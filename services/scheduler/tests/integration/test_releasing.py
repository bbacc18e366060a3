"""Releasing every recipient once, and template chains, on the real broker and
database (start times and intervals: test_timing; cancel: test_cancel; monthly
limits: test_quotas)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from contracts.content import TextContent
from contracts.scheduling import CampaignStep

from .conftest import Harness

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


async def test_a_step_at_a_date_and_time_waits_for_it_or_follows_at_once(
    harness: Harness,
) -> None:
    """`/send welcome 2026-12-24 10:00:00`: step 2 goes at its moment; step 3, whose
    moment passed before step 2 was sent, goes right after step 2."""
    now = datetime.now(UTC)
    steps = [
        CampaignStep(step_no=1, content=TextContent(text="one")),
        CampaignStep(
            step_no=2, not_before=now + timedelta(seconds=2), content=TextContent(text="two")
        ),
        CampaignStep(
            step_no=3, not_before=now - timedelta(days=1), content=TextContent(text="three")
        ),
    ]
    started = time.monotonic()
    campaign = await harness.campaign(2, steps=steps)
    completed = await harness.final_event(campaign, "completed")
    assert completed["sent"] == 6
    released = harness.released_of(campaign)
    for n in (1, 2):
        at = {r.job.step_no: r.at for r in released if r.job.recipient_no == n}
        assert at[1] - started < 2, "step 1 at the start"
        assert at[2] - started >= 2 - 0.05, "step 2 not before its moment"
        assert at[3] - at[2] < 1.5, "step 3's moment has passed: right after step 2"


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
