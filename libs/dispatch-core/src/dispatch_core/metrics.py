"""A dispatcher's Prometheus metrics."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class DispatchMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.outcomes = Counter(
            "dispatch_outcomes",
            "Final outcomes of deliveries, by status and code",
            ["status", "code"],
            registry=registry,
        )
        self.calls = Counter(
            "dispatch_platform_calls",
            "Calls to the platform, by result (sent, failed, retry, rate_limited, blocked)",
            ["result"],
            registry=registry,
        )
        self.call_seconds = Histogram(
            "dispatch_platform_call_seconds",
            "Latency of one call to the platform",
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=registry,
        )
        self.writes_per_statement = Histogram(
            "dispatch_writes_per_statement",
            "Claims and outcomes written together in one statement",
            buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256, 512),
            registry=registry,
        )
        self.connections = Gauge(
            "dispatch_connections", "Connections this process consumes", registry=registry
        )
        self.owned = Gauge(
            "dispatch_connections_sending",
            "Connections this process holds the lease of (sends for)",
            registry=registry,
        )
        self.paused = Counter(
            "dispatch_connection_pauses",
            "Times a connection was paused by the platform, by reason code",
            ["code"],
            registry=registry,
        )
