"""The reading of metric names that tests/e2e/test_metric_names.py relies on:
the names of PromQL selectors, the names a `/metrics` page offers, and the alert
rules and dashboard panels it finds them in."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from .metric_names import (
    alert_expressions,
    dashboard_expressions,
    exported_names,
    external_names,
    selector_names,
    used_names,
)

CONTRACT_ALERTS = {
    "DeadLetterQueueNotEmpty",
    "ConnectionPaused",
    "PlatformRateLimited",
    "CampaignStalled",
    "ReleaseLoopStalled",
    "OutboxGrowing",
    "ConsumerGone",
    "PlatformCallErrors",
    "RabbitMQDown",
    "PostgreSQLDown",
    "ServiceDown",
}


def test_selector_names_leave_out_functions_labels_strings_and_grouping() -> None:
    expr = (
        'sum by (job, queue) (rate(consumer_messages_total{outcome="dead_lettered", '
        'queue=~"x{1}|$channel"}[$__rate_interval])) / on (job) group_left(queue) '
        "max without (instance) (outbox_pending offset 5m) > 0.5 and "
        "histogram_quantile(0.99, sum by (le) (rate(a_seconds_bucket[5m]))) or vector(0) "
        'unless label_replace(up, "channel", "$1", "job", "dispatcher-(.+)") and time() - b:c'
    )
    assert selector_names(expr) == {
        "consumer_messages_total",
        "outbox_pending",
        "a_seconds_bucket",
        "up",
        "b:c",
    }


def test_exported_names_cover_families_without_samples_yet() -> None:
    registry = CollectorRegistry()
    Counter("jobs", "never incremented", ["queue"], registry=registry)
    Histogram("lag_seconds", "observed once", registry=registry).observe(1.0)
    Gauge("depth", "set", registry=registry).set(3)
    page = generate_latest(registry).decode()

    names = exported_names(page)
    assert {"jobs_total", "lag_seconds_bucket", "lag_seconds_count", "depth"} <= names
    assert "jobs" not in names


def test_every_contract_alert_is_read_and_the_dashboard_has_queries() -> None:
    alerts = {where.split(": ", 1)[1] for where, _ in alert_expressions()}
    assert alerts == CONTRACT_ALERTS
    assert len(list(dashboard_expressions())) > 30


def test_every_used_name_is_a_metric_name_not_a_keyword() -> None:
    used = used_names()
    assert "up" in used
    assert "rabbitmq_detailed_queue_messages" in used
    assert not {"by", "on", "and", "sum", "rate", "le", "job"} & set(used)
    assert "rabbitmq_detailed_queue_consumers" in external_names()
