"""The metric names Prometheus's alert rules and the Grafana dashboard use, and
the names a service's `/metrics` page offers: what the tests of deploy/ compare."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[1]
ALERTS = ROOT / "deploy/prometheus/alerts.yml"
DASHBOARD = ROOT / "deploy/grafana/dashboards/campaigns.json"
EXTERNAL = ROOT / "deploy/prometheus/external_metrics.txt"

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_MATCHERS = re.compile(r"\{[^}]*\}")
_RANGE = re.compile(r"\[[^\]]*\]")
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_IDENTIFIER = re.compile(r"(?<![\w$.:])([A-Za-z_:][\w:]*)(\s*\()?")
_KEYWORDS = frozenset(
    {"and", "or", "unless", "bool", "offset", "group_left", "group_right", "inf", "nan"}
)

SAMPLE_SUFFIXES: dict[str, tuple[str, ...]] = {
    "counter": ("_total", "_created"),
    "gauge": ("",),
    "histogram": ("_bucket", "_sum", "_count", "_created"),
    "gaugehistogram": ("_bucket", "_gsum", "_gcount"),
    "summary": ("", "_sum", "_count", "_created"),
    "info": ("_info",),
    "stateset": ("",),
    "unknown": ("",),
}
"""The sample names a family of each type is scraped as (prometheus_client's
parser gives a counter's family without its `_total`)."""


def selector_names(expr: str) -> set[str]:
    """The metric names of the selectors in the PromQL `expr`: what is left once
    strings, label matchers, ranges and grouping clauses are taken out, less the
    functions and aggregations (names followed by a parenthesis) and the keywords.
    Grafana's `$variables` are only ever inside those, or skipped."""
    bare = _STRING.sub('""', expr)
    bare = _MATCHERS.sub("{}", bare)
    bare = _RANGE.sub("[]", bare)
    bare = _GROUPING.sub(" ", bare)
    return {
        match.group(1)
        for match in _IDENTIFIER.finditer(bare)
        if match.group(2) is None and match.group(1) not in _KEYWORDS
    }


def alert_expressions(path: Path = ALERTS) -> Iterator[tuple[str, str]]:
    """(where, expression) of every rule in the rule file."""
    for group in yaml.safe_load(path.read_text(encoding="utf-8"))["groups"]:
        for rule in group["rules"]:
            name = rule.get("alert") or rule.get("record")
            yield f"{path.name}: {name}", rule["expr"]


def dashboard_expressions(path: Path = DASHBOARD) -> Iterator[tuple[str, str]]:
    """(where, expression) of every query of every panel, rows' panels included."""
    dashboard = json.loads(path.read_text(encoding="utf-8"))
    for panel in _panels(dashboard["panels"]):
        for target in panel.get("targets", []):
            yield f"{path.name}: panel {panel['title']!r} {target['refId']}", target["expr"]


def _panels(panels: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for panel in panels:
        yield panel
        nested = panel.get("panels")
        if isinstance(nested, list):
            yield from _panels(nested)


def used_names() -> dict[str, list[str]]:
    """Each metric name the alert rules and the dashboard use -> where."""
    used: defaultdict[str, list[str]] = defaultdict(list)
    for where, expr in [*alert_expressions(), *dashboard_expressions()]:
        for name in selector_names(expr):
            used[name].append(where)
    return dict(used)


def exported_names(exposition: str) -> set[str]:
    """The sample names a `/metrics` page (text format) offers, families declared
    without samples yet (a labelled metric never incremented) included."""
    names: set[str] = set()
    for family in text_string_to_metric_families(exposition):
        names |= {family.name + suffix for suffix in SAMPLE_SUFFIXES.get(family.type, ("",))}
        names |= {sample.name for sample in family.samples}
    return names


def external_names(path: Path = EXTERNAL) -> set[str]:
    """The checked-in names that come from outside (Prometheus, the exporters)."""
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return {line for line in lines if line and not line.startswith("#")}
