"""The dispatcher's own metrics on the real broker and database: calls counted per
connection with the label bound (the connections past it are `other`; a 429 is
`rate_limited`), the jobs in the inboxes it sends for, and the connections paused
by reason, the gauges sampled from the database."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from contracts.base import utc_now
from dispatch_core import repo
from dispatcher_telegram.settings import Settings
from platform_sim.client import RunningSimulators
from starlette.applications import Starlette
from test_support.waiting import eventually

from .conftest import TOKEN, Harness, harness_for, job, running

pytestmark = pytest.mark.integration

BOT_ID = TOKEN.split(":")[0]


@pytest.fixture
async def dispatcher(settings: Settings, clean_queues: None) -> AsyncIterator[Starlette]:
    """One connection label of its own, gauges sampled five times a second."""
    bounded = settings.model_copy(
        update={"metrics_connection_labels": 1, "metrics_sample_seconds": 0.2}
    )
    async with running(bounded) as app:
        yield app


@pytest.fixture
async def harness(dispatcher: Starlette, rabbitmq_url: str) -> AsyncIterator[Harness]:
    async with harness_for(rabbitmq_url) as running_harness:
        yield running_harness


def value(app: Starlette, name: str, **labels: str) -> float | None:
    found = app.state.runtime.registry.get_sample_value(name, labels)
    return None if found is None else float(found)


def calls(app: Starlette, connection: str, result: str) -> float | None:
    return value(
        app,
        "dispatch_connection_calls_total",
        channel="telegram",
        connection=connection,
        result=result,
    )


async def test_calls_are_counted_per_connection_up_to_the_bound_then_as_other(
    harness: Harness, sims: RunningSimulators, dispatcher: Starlette
) -> None:
    telegram = sims.control("telegram")
    await telegram.add_fault(kind="retry_after", method="sendMessage", retry_after=1, times=1)
    await harness.connect("bot-a", rate_per_second=100)
    await harness.connect("bot-b", rate_per_second=100)
    campaign = uuid.uuid4()
    await harness.send("bot-a", [job(campaign, 1)])
    await harness.collect(1)
    await harness.send("bot-b", [job(campaign, 2), job(campaign, 3)])
    await harness.collect(3)

    assert calls(dispatcher, "bot-a", "rate_limited") == 1
    assert calls(dispatcher, "bot-a", "sent") == 1
    assert calls(dispatcher, "other", "sent") == 2  # bot-b: past the bound of one
    assert calls(dispatcher, "bot-b", "sent") is None
    assert value(dispatcher, "dispatch_platform_calls_total", result="sent") == 3


async def test_paused_connections_are_counted_by_reason(
    harness: Harness, sims: RunningSimulators, dispatcher: Starlette
) -> None:
    await sims.control("telegram").set_account(BOT_ID, "unauthorized")
    for connection in ("bot-refused", "bot-restricted", "bot-old"):
        await harness.connect(connection, rate_per_second=100)
    campaign = uuid.uuid4()
    await harness.send("bot-refused", [job(campaign, 1)])
    (found,) = (await harness.collect(1)).values()
    assert found[-1].error_code == "401"
    pool = dispatcher.state.runtime.pool
    until = utc_now() + timedelta(hours=1)
    await repo.pause(pool, ("t1", "bot-restricted"), until, "spam", "digest", bad_credentials=False)
    # a pause recorded before pauses kept their credentials' digest: its kind unknown
    await pool.execute(
        "INSERT INTO connection_pauses (tenant_id, connection_id, paused_until, reason)"
        " VALUES ('t1', 'bot-old', $1, 'old')",
        until,
    )

    async def sampled() -> dict[str, float | None]:
        return {
            reason: value(
                dispatcher, "dispatch_connections_paused", channel="telegram", reason=reason
            )
            for reason in ("credentials", "restricted", "other")
        }

    async def all_counted() -> bool:
        return await sampled() == {"credentials": 1, "restricted": 1, "other": 1}

    await eventually(all_counted, what="the pauses to be sampled")
    await pool.execute("UPDATE connection_pauses SET paused_until = now()")

    async def none_left() -> bool:
        return await sampled() == {"credentials": 0, "restricted": 0, "other": 0}

    await eventually(none_left, what="the ended pauses to be sampled")


async def test_jobs_in_the_inbox_are_counted_until_reported(
    harness: Harness, dispatcher: Starlette
) -> None:
    await harness.connect("bot-slow", rate_per_second=2)
    campaign = uuid.uuid4()
    await harness.send("bot-slow", [job(campaign, n) for n in (1, 2, 3)])
    await harness.send("bot-slow", [job(campaign, n) for n in (4, 5, 6)])

    async def inbox(count: int) -> bool:
        return value(dispatcher, "dispatch_inbox_jobs", channel="telegram") == count

    await eventually(lambda: inbox(6), what="six jobs in the inbox")
    await harness.collect(6)
    await eventually(lambda: inbox(0), what="an empty inbox")
