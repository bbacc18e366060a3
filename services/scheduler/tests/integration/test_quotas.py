"""The tenant's monthly limit while sending, on the real broker and database:
nothing is released past it, whether the scheduler learnt the limit from
tenant.updated.v1 or from the campaign itself; with neither, nothing is released."""

from __future__ import annotations

import uuid

import pytest
from starlette.applications import Starlette
from test_support.waiting import eventually

from .conftest import TENANT, Harness

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]


async def limit_known(scheduler: Starlette, limit: int) -> bool:
    pool = scheduler.state.runtime.pool
    return await pool.fetchval("SELECT monthly_limit FROM tenants WHERE id = $1", TENANT) == limit


def limit_reasons(harness: Harness, campaign: uuid.UUID) -> set[str | None]:
    return {
        r.error_reason
        for r in harness.platform.reported
        if r.campaign_id == campaign and r.error_code == "quota.monthly_limit"
    }


async def test_nothing_is_released_past_the_monthly_limit(
    harness: Harness, scheduler: Starlette
) -> None:
    await harness.tenant(monthly_limit=5)
    await eventually(lambda: limit_known(scheduler, 5), what="the tenant's limit")
    test_send = await harness.campaign(2, counts_toward_quota=False)
    await harness.final_event(test_send, "completed")
    campaign = await harness.campaign(8, monthly_limit=None)
    completed = await harness.final_event(campaign, "completed")
    assert len(harness.released_of(campaign)) == 5
    assert (completed["sent"], completed["skipped"]) == (5, 3)
    reasons = limit_reasons(harness, campaign)
    assert len(reasons) == 1
    assert "monthly limit of 5 messages" in str(reasons.pop())


async def test_the_limit_the_campaign_carries_holds_before_the_tenant_is_known(
    harness: Harness,
) -> None:
    campaign = await harness.campaign(5, monthly_limit=3)
    completed = await harness.final_event(campaign, "completed")
    assert len(harness.released_of(campaign)) == 3
    assert (completed["sent"], completed["skipped"]) == (3, 2)
    assert "monthly limit of 3 messages" in str(limit_reasons(harness, campaign).pop())


async def test_the_tenants_own_limit_wins_over_the_campaigns(
    harness: Harness, scheduler: Starlette
) -> None:
    await harness.tenant(monthly_limit=2)
    await eventually(lambda: limit_known(scheduler, 2), what="the tenant's limit")
    campaign = await harness.campaign(4, monthly_limit=100)
    completed = await harness.final_event(campaign, "completed")
    assert (completed["sent"], completed["skipped"]) == (2, 2)


async def test_with_no_limit_known_nothing_is_released_until_it_is(
    harness: Harness, scheduler: Starlette
) -> None:
    held = await harness.campaign(4, monthly_limit=None)

    async def running() -> bool:
        pool = scheduler.state.runtime.pool
        status = await pool.fetchval("SELECT status FROM campaigns WHERE id = $1", held)
        return bool(status == "running")

    await eventually(running, what="the campaign to start")
    # a test send (not counted) started after it completes: the loop has passed
    # the held campaign more than once meanwhile
    test_send = await harness.campaign(1, counts_toward_quota=False, monthly_limit=None)
    await harness.final_event(test_send, "completed")
    assert harness.released_of(held) == []
    await harness.tenant(monthly_limit=3)
    completed = await harness.final_event(held, "completed")
    assert (completed["sent"], completed["skipped"]) == (3, 1)


async def test_an_interval_campaign_reaching_the_limit_skips_the_rest_and_goes_on(
    harness: Harness, scheduler: Starlette
) -> None:
    """Once the limit is used up, each slot finds nothing to release: the rest is
    skipped with the reason and the loop carries on with other campaigns."""
    await harness.tenant(monthly_limit=2)
    await eventually(lambda: limit_known(scheduler, 2), what="the tenant's limit")
    campaign = await harness.campaign(5, interval=0.1)
    completed = await harness.final_event(campaign, "completed")
    assert (completed["sent"], completed["skipped"]) == (2, 3)
    later = await harness.campaign(2, interval=0.1, counts_toward_quota=False)
    assert (await harness.final_event(later, "completed"))["sent"] == 2
    assert scheduler.state.releaser.alive()
