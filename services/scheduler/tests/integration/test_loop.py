"""The release loop keeps going: an error in one campaign is logged with its id
and does not stop the others; a loop that died shows in /health.  A campaign
starts with its first release or not at all."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import structlog
from contracts.names import RoutingKey
from scheduler import releaser
from scheduler.domain.model import CampaignRun, Released
from starlette.applications import Starlette
from test_support.waiting import eventually

from .conftest import Harness

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]


async def health(app: Starlette) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://scheduler") as client:
        return await client.get("/health")


async def test_a_broken_campaign_does_not_stop_the_others(
    harness: Harness, scheduler: Starlette
) -> None:
    pool = scheduler.state.runtime.pool
    broken = await harness.campaign(20, interval=0.2)

    async def running() -> bool:
        found = await pool.fetchval("SELECT status FROM campaigns WHERE id = $1", broken)
        return bool(found == "running")

    await eventually(running, what="the campaign to start")
    with structlog.testing.capture_logs() as logs:
        # its stored chain is damaged (as by a bad migration or a hand edit)
        await pool.execute("UPDATE campaigns SET steps = '[{\"no\": 1}]' WHERE id = $1", broken)
        healthy = await harness.campaign(30)
        completed = await harness.final_event(healthy, "completed")

        async def logged() -> list[dict[str, object]] | None:
            found = [e for e in logs if str(e["event"]).startswith("releasing failed")]
            return found or None

        # the broken campaign's next try may come after the healthy one is done
        failures = await eventually(logged, timeout=10, what="the failure to be logged")
    assert completed["sent"] == 30
    assert (await health(scheduler)).status_code == 200
    assert {f["campaign_id"] for f in failures} == {str(broken)}
    assert failures[0]["log_level"] == "error"
    assert failures[0]["exc_info"] is True


async def test_a_campaign_starts_with_its_first_release_or_not_at_all(
    harness: Harness, scheduler: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = scheduler.state.runtime.pool
    broken = True
    build_work = releaser.build_work

    def build(run: CampaignRun, released: list[Released]) -> Any:
        if broken:
            raise RuntimeError("the first release cannot be built")
        return build_work(run, released)

    monkeypatch.setattr(releaser, "build_work", build)
    with structlog.testing.capture_logs() as logs:
        campaign = await harness.campaign(5)

        async def failed() -> bool:
            return any(str(e["event"]).startswith("starting failed") for e in logs)

        await eventually(failed, what="the start to fail")
    row = await pool.fetchrow(
        "SELECT c.status, count(*) FILTER (WHERE r.state <> 'waiting') AS released"
        " FROM campaigns c JOIN recipients r ON r.campaign_id = c.id WHERE c.id = $1"
        " GROUP BY c.status",
        campaign,
    )
    assert (row["status"], row["released"]) == ("snapshotting", 0)  # neither committed
    broken = False
    completed = await harness.final_event(campaign, "completed")
    assert completed["sent"] == 5
    assert sorted(r.job.recipient_no for r in harness.released_of(campaign)) == [1, 2, 3, 4, 5]
    assert len(harness.events_of(campaign, RoutingKey.CAMPAIGN_STARTED)) == 1


async def test_a_dead_release_loop_fails_the_health_check(scheduler: Starlette) -> None:
    assert (await health(scheduler)).status_code == 200
    await scheduler.state.releaser.stop()  # the loop's task ends, as if it had died
    response = await health(scheduler)
    assert response.status_code == 503
    assert response.json()["checks"]["release_loop"] is False
