"""Cancel, at every stage of a campaign, on the real broker and database: nothing
is released after the cancel is recorded, every delivery not yet released is
reported cancelled (once), and campaign.cancelled.v1 carries the final counters."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

import pytest
from contracts.content import TextContent
from contracts.scheduling import CampaignStep
from starlette.applications import Starlette
from test_support.waiting import eventually

from .conftest import Harness

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]


def cancelled_reports(harness: Harness, campaign: uuid.UUID) -> Counter[tuple[int, int]]:
    return Counter(
        (r.recipient_no, r.step_no)
        for r in harness.platform.reported
        if r.campaign_id == campaign and r.status == "cancelled"
    )


async def settled(scheduler: Starlette, campaign: uuid.UUID) -> bool:
    """Nothing of the campaign is waiting, in flight, or still to be published."""
    pool = scheduler.state.runtime.pool
    return bool(
        await pool.fetchval(
            "SELECT NOT EXISTS (SELECT 1 FROM recipients"
            "                   WHERE campaign_id = $1 AND state <> 'done')"
            " AND NOT EXISTS (SELECT 1 FROM outbox)",
            campaign,
        )
    )


async def test_a_cancel_during_a_run_stops_releases_and_cancels_the_rest(
    harness: Harness, scheduler: Starlette
) -> None:
    campaign = await harness.campaign(40, interval=0.1)
    await eventually(lambda: _released(harness, campaign, 5), what="five releases")
    await harness.cancel(campaign)
    final = await harness.final_event(campaign, "cancelled")
    await eventually(lambda: settled(scheduler, campaign), what="the campaign to settle")

    pool = scheduler.state.runtime.pool
    recorded_at = await pool.fetchval("SELECT finished_at FROM campaigns WHERE id = $1", campaign)
    released = harness.released_of(campaign)
    assert all(r.job.released_at < recorded_at for r in released), "released after the cancel"
    released_nos = {r.job.recipient_no for r in released}
    assert len(released_nos) == len(released) < 40
    cancelled = cancelled_reports(harness, campaign)
    assert set(cancelled.values()) == {1}, "a delivery was reported cancelled twice"
    assert {no for no, _ in cancelled} == set(range(1, 41)) - released_nos
    assert final["sent"] == len(released)
    assert final["cancelled"] == 40 - len(released)
    assert final["audience_size"] == 40


async def test_a_cancelled_chain_sends_no_later_step(
    harness: Harness, scheduler: Starlette
) -> None:
    """Step 1 is in flight when the cancel comes; its report must not put the
    recipients back in line for step 2, which is cancelled instead."""
    harness.auto_report = False
    steps = [
        CampaignStep(step_no=1, content=TextContent(text="one")),
        CampaignStep(step_no=2, delay_seconds=0, content=TextContent(text="two")),
        CampaignStep(step_no=3, delay_seconds=0, content=TextContent(text="three")),
    ]
    campaign = await harness.campaign(3, steps=steps)
    await eventually(lambda: _released(harness, campaign, 3), what="step 1 released")
    await harness.cancel(campaign)

    async def cancel_recorded() -> bool:
        pool = scheduler.state.runtime.pool
        status = await pool.fetchval("SELECT status FROM campaigns WHERE id = $1", campaign)
        return bool(status == "cancelled")

    await eventually(cancel_recorded, what="the cancel")
    await harness.report([r.job for r in harness.released_of(campaign)], "sent")
    final = await harness.final_event(campaign, "cancelled")
    await eventually(lambda: settled(scheduler, campaign), what="the campaign to settle")

    assert [r.job.step_no for r in harness.released_of(campaign)] == [1, 1, 1]
    assert sorted(cancelled_reports(harness, campaign)) == [
        (n, step) for n in (1, 2, 3) for step in (2, 3)
    ]
    assert (final["sent"], final["cancelled"], final["skipped"]) == (3, 6, 0)


async def test_a_cancel_that_comes_before_the_campaign_is_honoured(
    harness: Harness, scheduler: Starlette
) -> None:
    """campaign.cancel.v1 and campaign.scheduled.v1 come on separate queues."""
    campaign = uuid.uuid4()
    await harness.cancel(campaign)

    async def kept() -> bool:
        pool = scheduler.state.runtime.pool
        found = await pool.fetchval("SELECT 1 FROM early_cancels WHERE campaign_id = $1", campaign)
        return found is not None

    await eventually(kept, what="the early cancel to be kept")
    await harness.campaign(5, campaign_id=campaign)
    final = await harness.final_event(campaign, "cancelled")
    assert harness.released_of(campaign) == []
    assert [r for r in harness.snapshot_requests if r.campaign_id == campaign] == []
    assert (final["sent"], final["cancelled"]) == (0, 0)


async def test_a_cancel_while_the_audience_streams_in_cancels_all_of_it(
    harness: Harness, scheduler: Starlette
) -> None:
    harness.hold_snapshots = True
    campaign = await harness.campaign(1200)

    async def requested() -> Any:
        return next((r for r in harness.snapshot_requests if r.campaign_id == campaign), None)

    request = await eventually(requested, what="the snapshot request")
    await harness.cancel(campaign)

    async def cancel_recorded() -> bool:
        pool = scheduler.state.runtime.pool
        status = await pool.fetchval("SELECT status FROM campaigns WHERE id = $1", campaign)
        return bool(status == "cancelled")

    await eventually(cancel_recorded, what="the cancel")
    await harness.answer_snapshot(request)
    final = await harness.final_event(campaign, "cancelled")
    assert harness.released_of(campaign) == []
    cancelled = cancelled_reports(harness, campaign)
    assert sorted(cancelled) == [(n, 1) for n in range(1, 1201)]
    assert set(cancelled.values()) == {1}
    assert (final["audience_size"], final["sent"], final["cancelled"]) == (1200, 0, 1200)


async def test_cancelling_a_finished_campaign_changes_nothing(harness: Harness) -> None:
    campaign = await harness.campaign(3)
    completed = await harness.final_event(campaign, "completed")
    await harness.cancel(campaign)
    other = await harness.campaign(1)  # the cancel was handled before this completes
    await harness.final_event(other, "completed")
    assert completed["sent"] == 3
    assert not [
        k
        for k, b in harness.platform.lifecycle
        if b["campaign_id"] == str(campaign) and k == "campaign.cancelled.v1"
    ]
    assert cancelled_reports(harness, campaign) == Counter()


async def _released(harness: Harness, campaign: uuid.UUID, count: int) -> bool:
    return len(harness.released_of(campaign)) >= count
