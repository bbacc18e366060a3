"""`/live` answers while the process does, whatever the database and the broker;
`/health` (readiness) does not while they are not reached."""

from __future__ import annotations

import httpx
from service_kit.runtime import ServiceRuntime
from service_kit.settings import ServiceSettings


async def test_live_answers_while_health_reports_what_is_down() -> None:
    runtime = ServiceRuntime(
        "kit-test",
        ServiceSettings(
            rabbitmq_url="amqp://guest:guest@127.0.0.1:1/none",
            database_url="postgresql://nobody@127.0.0.1:1/none",
        ),
        schema="kit_test",
        migrations=None,
    )
    transport = httpx.ASGITransport(app=runtime.worker_app())  # no lifespan: nothing connects
    async with httpx.AsyncClient(transport=transport, base_url="http://kit") as client:
        live = await client.get("/live")
        health = await client.get("/health")
    assert (live.status_code, live.json()) == (200, {"service": "kit-test", "live": True})
    assert health.status_code == 503
    assert health.json()["checks"] == {"started": False, "rabbitmq": False, "postgresql": False}
