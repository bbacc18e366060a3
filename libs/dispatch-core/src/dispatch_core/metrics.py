"""A dispatcher's Prometheus metrics.

`channel` is the dispatcher's (telegram, whatsapp, instagram); `connection`, a
connection's id, for at most `connection_labels` connections a process (the first
it calls for), every other one `other`, so the series stay bounded.

The counters counted for every message (`call`, `outcome`) keep the child of each
label set they were given, so a message costs no label lookup (prometheus_client's
`labels()` checks and joins the values and takes a lock each time); the cache holds
no more entries than the series themselves."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

OTHER = "other"
"""The connection label of the connections past the bound."""

PAUSE_REASONS = ("restricted", "credentials", "other")
"""Why connections are paused, as `dispatch_connections_paused` reports it."""


class ConnectionLabels:
    """Hands out connection ids as label values: at most `limit` distinct ones, to
    the first connections asked for; every connection after them is `other`."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._given: set[str] = set()

    def __call__(self, connection_id: str) -> str:
        if connection_id in self._given:
            return connection_id
        if len(self._given) < self._limit:
            self._given.add(connection_id)
            return connection_id
        return OTHER


class DispatchMetrics:
    def __init__(
        self, registry: CollectorRegistry, *, channel: str = "", connection_labels: int = 100
    ) -> None:
        self.channel = channel
        self._connection_label = ConnectionLabels(connection_labels)
        self._children: dict[tuple[str, ...], list[Counter]] = {}
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
        self.connection_calls = Counter(
            "dispatch_connection_calls",
            "Calls to the platform by channel, connection (at most METRICS_CONNECTION_LABELS "
            "of them, the rest 'other') and result (sent, failed, retry, rate_limited, blocked)",
            ["channel", "connection", "result"],
            registry=registry,
        )
        self.inbox_jobs = Gauge(
            "dispatch_inbox_jobs",
            "Jobs stored in the inboxes of the connections this process sends for, "
            "not yet reported",
            ["channel"],
            registry=registry,
        )
        self.connections_paused = Gauge(
            "dispatch_connections_paused",
            "Connections paused now, by reason (restricted, credentials, other); every "
            "replica reports the same count",
            ["channel", "reason"],
            registry=registry,
        )

    def call(self, result: str, connection_id: str) -> None:
        """Count one call to the platform for the connection, by its result."""
        label = self._connection_label(connection_id)
        key = ("call", result, label)
        counters = self._children.get(key)
        if counters is None:
            counters = self._children[key] = [
                self.calls.labels(result),
                self.connection_calls.labels(self.channel, label, result),
            ]
        for counter in counters:
            counter.inc()

    def outcome(self, status: str, code: str) -> None:
        """Count one delivery's final outcome (or deferral), by status and code."""
        key = ("outcome", status, code)
        counters = self._children.get(key)
        if counters is None:
            counters = self._children[key] = [self.outcomes.labels(status, code)]
        counters[0].inc()
