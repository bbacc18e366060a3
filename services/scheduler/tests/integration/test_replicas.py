"""Two and three scheduler replicas (in this process, each with its own pool, on
one database) releasing one large campaign at once, in small batches so their
claims interleave: every delivery is released exactly once.  The claim re-checks
the state it claims, so this holds even without its `SKIP LOCKED`."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import AsyncIterator

import aio_pika
import pytest
from scheduler.app import create_app
from test_support.clock import DayClock

from .conftest import Harness, scheduler_settings

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

RECIPIENTS = 20_000


@contextlib.asynccontextmanager
async def replicas(
    count: int, rabbitmq_url: str, database_url: str, clock: DayClock
) -> AsyncIterator[None]:
    settings = scheduler_settings(rabbitmq_url, database_url).model_copy(
        update={"release_batch": 50, "release_window": RECIPIENTS, "max_idle_seconds": 0.05}
    )
    async with contextlib.AsyncExitStack() as stack:
        for _ in range(count):
            app = create_app(settings, clock=clock)
            await stack.enter_async_context(app.router.lifespan_context(app))
        yield


@pytest.mark.parametrize("count", [2, 3])
async def test_replicas_release_every_delivery_of_a_large_campaign_exactly_once(
    count: int, rabbitmq_url: str, database_url: str, clean_queues: None, clock: DayClock
) -> None:
    async with replicas(count, rabbitmq_url, database_url, clock):
        connection = await aio_pika.connect(rabbitmq_url)
        try:
            harness = Harness(await connection.channel())
            harness.clock = clock
            await harness.start()
            # outside the monthly limit: no tenant-wide lock takes turns for the replicas
            campaign = await harness.campaign(RECIPIENTS, counts_toward_quota=False)
            completed = await harness.final_event(campaign, "completed", timeout=240)
        finally:
            await connection.close()

    released = Counter(r.job.recipient_no for r in harness.released_of(campaign))
    twice = {n: times for n, times in released.items() if times > 1}
    assert not twice, f"{len(twice)} deliveries released more than once"
    assert sorted(released) == list(range(1, RECIPIENTS + 1))
    assert completed["sent"] == RECIPIENTS
