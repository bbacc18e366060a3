"""kill -9 the scheduler again and again in the middle of two campaigns, one with
an interval and one without: nothing lost, nothing released twice, both
complete, the interval still honoured across the restarts."""

from __future__ import annotations

import itertools
import os
import random
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import aio_pika
import pytest
from test_support.processes import ServiceProcess
from test_support.system import free_port
from test_support.waiting import eventually

from .conftest import SLOT_TOLERANCE, Harness

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]

KILLS = 3


@pytest.fixture
async def scheduler_process(
    rabbitmq_url: str, database_url: str, clean_queues: None, tmp_path: Path
) -> AsyncIterator[ServiceProcess]:
    port = free_port()
    process = ServiceProcess(
        "scheduler",
        "scheduler",
        port,
        env={
            "RABBITMQ_URL": rabbitmq_url,
            "DATABASE_URL": database_url,
            "SCHEDULER_PORT": str(port),
            "SNAPSHOT_LEAD_SECONDS": "0.5",
            "MAX_IDLE_SECONDS": "2.0",
            # small releases, few in flight: the campaign without an interval is
            # mid-release at any moment of the test
            "RELEASE_BATCH": "20",
            "RELEASE_WINDOW": "40",
        },
        log_dir=tmp_path,
    )
    process.start()
    await process.wait_healthy()
    yield process
    process.stop()


@pytest.fixture
async def outside_harness(
    scheduler_process: ServiceProcess, rabbitmq_url: str
) -> AsyncIterator[Harness]:
    connection = await aio_pika.connect(rabbitmq_url)
    channel = await connection.channel()
    harness = Harness(channel)
    harness.send_delay = 0.02
    await harness.start()
    yield harness
    await connection.close()


async def test_killed_again_and_again_it_carries_on_without_repeats(
    outside_harness: Harness, scheduler_process: ServiceProcess
) -> None:
    harness = outside_harness
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    interval = 0.2
    paced = await harness.campaign(40, interval=interval)
    bulk = await harness.campaign(3000)
    kills: list[int] = []
    for _ in range(KILLS):
        # kill at a random point: after a random number of further paced releases
        target = len(harness.released_of(paced)) + rng.randint(2, 6)

        async def reached(target: int = target) -> bool:
            return len(harness.released_of(paced)) >= target

        await eventually(reached, timeout=30, what=f"{target} releases (seed {seed})")
        scheduler_process.kill()
        kills.append(len(harness.released_of(paced)))
        scheduler_process.start()
        await scheduler_process.wait_healthy()
    for campaign, size in ((paced, 40), (bulk, 3000)):
        completed = await harness.final_event(campaign, "completed", timeout=90)
        assert completed["sent"] == size, (seed, kills)

        releases = _releases(harness, campaign)
        assert set(releases) == set(range(1, size + 1)), f"a delivery was lost (seed {seed})"
        # a job the relay published just before a kill, and again after (the same
        # message, same release), is the broker's at-least-once; a second release
        # would carry a second release time
        twice = {no: times for no, times in releases.items() if len(times) > 1}
        assert not twice, f"released twice: {twice} (seed {seed}, kills after {kills})"

    # the interval held across every restart, in the release times the jobs carry
    # (the scheduler's clock; where this process receives them adds its own jitter)
    released = sorted(min(times) for times in _releases(harness, paced).values())
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(released)]
    assert min(gaps) >= interval - SLOT_TOLERANCE, (seed, kills, sorted(gaps)[:5])


def _releases(harness: Harness, campaign: uuid.UUID) -> dict[int, set[datetime]]:
    releases: dict[int, set[datetime]] = defaultdict(set)
    for r in harness.released_of(campaign):
        releases[r.job.recipient_no].add(r.job.released_at)
    return releases
