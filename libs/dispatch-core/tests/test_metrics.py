"""Calls counted per connection: at most the bound of connection labels a process,
the first connections called for; every later one is counted as `other`."""

from __future__ import annotations

from dispatch_core.metrics import ConnectionLabels, DispatchMetrics
from prometheus_client import CollectorRegistry


def test_the_first_connections_keep_their_label_and_the_rest_are_other() -> None:
    labels = ConnectionLabels(2)
    assert [labels(c) for c in ("a", "b", "c", "a", "d", "b")] == [
        "a",
        "b",
        "other",
        "a",
        "other",
        "b",
    ]


def test_calls_past_the_bound_are_counted_as_other_and_in_the_total() -> None:
    registry = CollectorRegistry()
    metrics = DispatchMetrics(registry, channel="whatsapp", connection_labels=3)
    for n in range(4):  # N + 1 connections
        metrics.call("sent", f"conn-{n}")
    metrics.call("rate_limited", "conn-3")

    def calls(connection: str, result: str) -> float | None:
        labels = {"channel": "whatsapp", "connection": connection, "result": result}
        return registry.get_sample_value("dispatch_connection_calls_total", labels)

    assert [calls(f"conn-{n}", "sent") for n in range(3)] == [1, 1, 1]
    assert calls("conn-3", "sent") is None
    assert (calls("other", "sent"), calls("other", "rate_limited")) == (1, 1)
    assert registry.get_sample_value("dispatch_platform_calls_total", {"result": "sent"}) == 4
