"""The scheduler's Prometheus metrics."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram


class SchedulerMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.released = Counter(
            "scheduler_deliveries_released",
            "Deliveries released to the dispatchers or the composer",
            registry=registry,
        )
        self.outcomes = Counter(
            "scheduler_outcomes",
            "Reported delivery outcomes applied, by status",
            ["status"],
            registry=registry,
        )
        self.campaigns_finished = Counter(
            "scheduler_campaigns_finished",
            "Campaigns completed or cancelled",
            ["status"],
            registry=registry,
        )
        self.release_errors = Counter(
            "scheduler_release_errors",
            "Failures in the release loop that were not transient (logged with the campaign)",
            registry=registry,
        )
        self.release_lateness = Histogram(
            "scheduler_release_lateness_seconds",
            "How late a release ran after its slot or due time",
            buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5),
            registry=registry,
        )
        self.quiet_waits = Counter(
            "scheduler_quiet_hours_waits",
            "Released deliveries put back to wait because the recipient's quiet hours had begun",
            registry=registry,
        )
