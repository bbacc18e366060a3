"""Every metric name the alert rules (deploy/prometheus/alerts.yml) and the Grafana
dashboard (deploy/grafana/dashboards/campaigns.json) use is one a service of ours
serves on `/metrics`, or one of the checked-in names that come from Prometheus and
the exporters (deploy/prometheus/external_metrics.txt): a renamed metric breaks
this test, not an alert that silently never fires."""

from __future__ import annotations

import httpx
import pytest

from ..metric_names import exported_names, external_names, used_names
from .conftest import World

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]


async def scraped_names(world: World) -> set[str]:
    """The sample names every running service serves on `/metrics`."""
    names: set[str] = set()
    async with httpx.AsyncClient(timeout=10.0, follow_redirects=True) as client:
        for name, process in world.system.processes.items():
            response = await client.get(f"{process.base_url}/metrics")
            assert response.status_code == 200, f"{name}'s /metrics answered {response.status_code}"
            names |= exported_names(response.text)
    return names


async def test_every_metric_the_alerts_and_the_dashboard_use_is_exported(world: World) -> None:
    known = await scraped_names(world) | external_names()
    missing = sorted((name, places) for name, places in used_names().items() if name not in known)
    report = "\n".join(f"  {name}: used in {'; '.join(places)}" for name, places in missing)
    assert not missing, f"metrics used but exported by no service nor listed as external:\n{report}"
