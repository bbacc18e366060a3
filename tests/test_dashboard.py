"""The Grafana dashboard (deploy/grafana/dashboards/campaigns.json) as Grafana 11
provisions it: variables for the data source and the channel, every query on the
chosen data source, panels on the 24-column grid without overlap, and every
expression valid PromQL (promtool parses it, Grafana's variables replaced)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]

from .metric_names import DASHBOARD, dashboard_expressions, selector_names

DATA_SOURCE = {"type": "prometheus", "uid": "${datasource}"}
GRAFANA_VARIABLES = {
    "$__rate_interval": "1m",
    "$channel": "(telegram|whatsapp)",
}
"""What Grafana puts for its variables, as PromQL can parse them."""


def dashboard() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return loaded


def variables() -> dict[str, dict[str, Any]]:
    return {v["name"]: v for v in dashboard()["templating"]["list"]}


def test_the_data_source_is_a_variable_of_prometheus_sources() -> None:
    source = variables()["datasource"]
    assert source["type"] == "datasource"
    assert source["query"] == "prometheus"


def test_the_channel_variable_offers_each_channel_several_at_once_and_all() -> None:
    channel = variables()["channel"]
    assert channel["type"] == "custom"
    assert channel["query"].split(",") == ["telegram", "whatsapp", "instagram"]
    assert channel["multi"] is True
    assert channel["includeAll"] is True


def test_every_panel_and_query_uses_the_chosen_data_source() -> None:
    panels = [p for p in dashboard()["panels"] if p["type"] != "row"]
    assert panels
    for panel in panels:
        assert panel["datasource"] == DATA_SOURCE, panel["title"]
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert target["datasource"] == DATA_SOURCE, panel["title"]
        ref_ids = [t["refId"] for t in panel["targets"]]
        assert len(set(ref_ids)) == len(ref_ids), panel["title"]


def test_panels_have_unique_ids_and_do_not_overlap_on_the_grid() -> None:
    panels = dashboard()["panels"]
    ids = [p["id"] for p in panels]
    assert len(set(ids)) == len(ids)
    taken: dict[tuple[int, int], str] = {}
    for panel in panels:
        grid = panel["gridPos"]
        assert grid["x"] >= 0, panel["title"]
        assert grid["x"] + grid["w"] <= 24, panel["title"]
        for x in range(grid["x"], grid["x"] + grid["w"]):
            for y in range(grid["y"], grid["y"] + grid["h"]):
                assert (x, y) not in taken, f"{panel['title']} overlaps {taken[(x, y)]}"
                taken[(x, y)] = panel["title"]


def test_the_channel_variable_filters_every_query_of_the_dispatchers_metrics() -> None:
    dispatcher_queries = {
        where: expr
        for where, expr in dashboard_expressions()
        if any(name.startswith("dispatch_") for name in selector_names(expr))
    }
    assert len(dispatcher_queries) > 5
    unfiltered = [where for where, expr in dispatcher_queries.items() if "$channel" not in expr]
    assert not unfiltered, f"dispatcher queries the channel variable does not filter: {unfiltered}"


def test_every_expression_is_valid_promql(tmp_path: Path) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool is missing: scripts/bootstrap.sh monitoring installs it")
    rules = []
    for index, (where, expr) in enumerate(dashboard_expressions()):
        for variable, value in GRAFANA_VARIABLES.items():
            expr = expr.replace(variable, value)
        assert "$" not in expr.replace("$1", ""), f"{where}: a variable PromQL cannot parse"
        rules.append({"record": f"dashboard:query_{index}", "expr": expr})
    rule_file = tmp_path / "dashboard_rules.yml"
    rule_file.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    checked = subprocess.run(
        [promtool, "check", "rules", str(rule_file)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
