"""The scheduler's gauges read from the database, the stall detector and the
delivery latency histogram, on the real broker and database."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from functools import partial

import asyncpg
import pytest
import structlog
from scheduler.app import create_app
from scheduler.repo import figures
from starlette.applications import Starlette
from test_support.clock import DayClock
from test_support.waiting import eventually

from .conftest import Harness, scheduler_settings

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

STALL_AFTER = 1.0


@pytest.fixture
async def scheduler(
    rabbitmq_url: str, database_url: str, clean_queues: None, clock: DayClock
) -> AsyncIterator[Starlette]:
    """The scheduler sampling its gauges five times a second, a campaign stalled
    after a second."""
    settings = scheduler_settings(rabbitmq_url, database_url).model_copy(
        update={"stall_after_seconds": STALL_AFTER, "metrics_sample_seconds": 0.2}
    )
    app = create_app(settings, clock=clock)
    async with app.router.lifespan_context(app):
        yield app


def value(app: Starlette, name: str, **labels: str) -> float | None:
    found = app.state.runtime.registry.get_sample_value(name, labels)
    return None if found is None else float(found)


async def test_gauges_count_campaigns_and_deliveries_by_state(
    harness: Harness, scheduler: Starlette
) -> None:
    campaign = await harness.campaign(20, interval=5)  # one release, then 5 s to the next

    async def one_released_and_sampled() -> bool:
        return (
            len(harness.released_of(campaign)) == 1
            and value(scheduler, "scheduler_deliveries_waiting") == 19
        )

    await eventually(one_released_and_sampled, what="the first release to be sampled")
    assert value(scheduler, "scheduler_campaigns", state="running") == 1
    assert value(scheduler, "scheduler_campaigns", state="paused") == 0
    assert value(scheduler, "scheduler_deliveries_due") == 19  # all due at the start time
    assert value(scheduler, "scheduler_campaigns_stalled") == 0  # its slot is not due yet

    harness.paused.add(campaign)
    await harness.pause(campaign)

    async def paused_sampled() -> bool:
        return value(scheduler, "scheduler_campaigns", state="paused") == 1

    await eventually(paused_sampled, what="the pause to be sampled")
    assert value(scheduler, "scheduler_campaigns", state="running") == 0
    assert value(scheduler, "scheduler_deliveries_due") == 0  # a paused campaign's are not
    assert value(scheduler, "scheduler_deliveries_waiting") == 19


async def test_a_campaign_that_releases_nothing_is_stalled_and_logged_once_per_stall(
    harness: Harness, scheduler: Starlette, database_url: str
) -> None:
    campaign = await harness.campaign(50, interval=0.3)
    await eventually(lambda: _released(harness, campaign, 2), what="two releases")
    blocker = await asyncpg.connect(database_url)
    try:
        with structlog.testing.capture_logs() as logs:
            for stall in (1, 2):
                # its row locked: the release loop skips it, as if it were stuck
                lock = blocker.transaction()
                await lock.start()
                await blocker.execute(
                    "SELECT 1 FROM scheduler.campaigns WHERE id = $1 FOR UPDATE", campaign
                )
                await eventually(lambda: _stalled(scheduler, 1), what="the stall to be sampled")
                await harness.publish_nothing_for(0.6)  # sampled three times more
                assert await _stalled(scheduler, 1)
                stalls = [e for e in logs if e["event"] == "campaign.stalled"]
                assert [(e["campaign_id"], e["log_level"]) for e in stalls] == [
                    (str(campaign), "warning")
                ] * stall
                await lock.rollback()
                await eventually(
                    partial(_released, harness, campaign, len(harness.released_of(campaign)) + 2),
                    what="releases again",
                )
                await eventually(lambda: _stalled(scheduler, 0), what="no stall")
    finally:
        await blocker.close()


async def test_latency_from_release_to_sent_outcome_is_observed(
    harness: Harness, scheduler: Starlette
) -> None:
    before = time.time()
    harness.outcome_for["3"] = "failed"
    harness.send_delay = 0.3
    campaign = await harness.campaign(5)
    await harness.final_event(campaign, "completed")
    count = value(scheduler, "scheduler_delivery_latency_seconds_count")
    assert count == 4  # the failed one is not a sent outcome
    total = value(scheduler, "scheduler_delivery_latency_seconds_sum")
    assert total is not None
    assert 4 * 0.3 <= total < 4 * 10
    assert value(scheduler, "scheduler_delivery_latency_seconds_bucket", le="0.1") == 0
    last_run = value(scheduler, "scheduler_release_loop_last_run_timestamp_seconds")
    assert last_run is not None
    assert before < last_run <= time.time()


async def _released(harness: Harness, campaign: uuid.UUID, at_least: int) -> bool:
    return len(harness.released_of(campaign)) >= at_least


async def _stalled(app: Starlette, count: int) -> bool:
    return value(app, "scheduler_campaigns_stalled") == count


@pytest.mark.parametrize(
    ("due", "not_due", "counted_up_to", "expected"),
    [
        (3, 4, 10, 3),  # both counted
        (5, 2, 4, 5),  # the due ones past the bound: the others are counted
        (5, 5, 4, 4),  # both past it: the bound, a lower bound
        (6, 0, 4, 6),  # every one due: the campaign's counter
        (0, 6, 4, 0),  # none due yet
    ],
)
async def test_deliveries_due_are_counted_in_the_index_up_to_a_bound(
    scheduler: Starlette, due: int, not_due: int, counted_up_to: int, expected: int
) -> None:
    pool = scheduler.state.runtime.pool
    campaign = uuid.uuid4()
    await pool.execute(
        "INSERT INTO campaigns (id, tenant_id, connection_id, channel, name, audience, steps,"
        " step_count, step_delays, interval_seconds, start_at, counts_toward_quota, status,"
        " started_at, progress_at, recipients_loaded)"
        " VALUES ($1, 't', 'c', 'telegram_bot', 'n', '{}', '[]', 1, '{0}', 0, now(), false,"
        " 'running', now(), now(), $2)",
        campaign,
        due + not_due,
    )
    await pool.execute(
        "INSERT INTO recipients (campaign_id, recipient_no, recipient, due_at)"
        " SELECT $1, n, '{}', now() + CASE WHEN n <= $2 THEN interval '-1 minute'"
        " ELSE interval '1 day' END FROM generate_series(1, $3) n",
        campaign,
        due,
        due + not_due,
    )
    found = await figures.read(pool, STALL_AFTER, counted_up_to)
    assert (found.waiting, found.due, found.stalled) == (due + not_due, expected, [])
