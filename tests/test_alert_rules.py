"""The alert rules (deploy/prometheus/alerts.yml) as ops read them: each has a
severity, a summary, a description and a runbook link to a section of
docs/operations.md that exists, and promtool unit tests (deploy/prometheus/tests/)
in which it both fires and stays quiet.  (promtool itself runs those tests in
scripts/test.sh's first step.)"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

from .metric_names import ALERTS, ROOT

RULE_TESTS = sorted((ROOT / "deploy/prometheus/tests").glob("*.yml"))
RUNBOOK = ROOT / "docs/operations.md"
SEVERITIES = {"warning", "critical"}


def alerts() -> list[dict[str, Any]]:
    groups = yaml.safe_load(ALERTS.read_text(encoding="utf-8"))["groups"]
    return [rule for group in groups for rule in group["rules"] if "alert" in rule]


def github_anchor(heading: str) -> str:
    """The anchor GitHub (and most Markdown renderers) give a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def runbook_anchors(path: Path = RUNBOOK) -> set[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {github_anchor(line.lstrip("#")) for line in lines if re.match(r"#{1,6} ", line)}


def test_github_anchor() -> None:
    assert github_anchor(" Rate limited by a platform") == "rate-limited-by-a-platform"
    assert github_anchor("Metrics (the label sets)") == "metrics-the-label-sets"


def test_each_alert_has_a_severity_summary_description_and_runbook_link() -> None:
    for rule in alerts():
        assert rule["labels"]["severity"] in SEVERITIES, rule["alert"]
        annotations = rule["annotations"]
        assert annotations["summary"].strip(), rule["alert"]
        assert annotations["description"].strip(), rule["alert"]
        assert re.fullmatch(r"docs/operations\.md#[a-z0-9-]+", annotations["runbook_url"])


def test_each_runbook_link_names_a_section_of_the_runbook() -> None:
    assert RUNBOOK.exists(), f"{RUNBOOK.relative_to(ROOT)} is missing: the alerts link to it"
    anchors = runbook_anchors()
    missing = {
        rule["alert"]: rule["annotations"]["runbook_url"]
        for rule in alerts()
        if rule["annotations"]["runbook_url"].split("#", 1)[1] not in anchors
    }
    assert not missing, f"runbook links to no heading of docs/operations.md: {missing}"


def test_each_alert_both_fires_and_stays_quiet_in_the_unit_tests() -> None:
    firing: set[str] = set()
    quiet: set[str] = set()
    for path in RULE_TESTS:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert document["rule_files"] == ["../alerts.yml"], path.name
        for case in document["tests"]:
            for check in case.get("alert_rule_test", []):
                (firing if check.get("exp_alerts") else quiet).add(check["alertname"])
    names = {rule["alert"] for rule in alerts()}
    assert names - firing == set(), "never seen firing"
    assert names - quiet == set(), "never seen quiet"
