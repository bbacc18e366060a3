"""The scheduler's Prometheus metrics."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


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
        self.latency = Histogram(
            "scheduler_delivery_latency_seconds",
            "From a delivery's release to its sent outcome being applied",
            buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600),
            registry=registry,
        )
        self.release_loop_last_run = Gauge(
            "scheduler_release_loop_last_run_timestamp_seconds",
            "Unix time of this replica's last completed release pass",
            registry=registry,
        )
        self.deliveries_due = Gauge(
            "scheduler_deliveries_due",
            "Deliveries due now or earlier, not released, of running campaigns not paused",
            registry=registry,
        )
        self.deliveries_waiting = Gauge(
            "scheduler_deliveries_waiting",
            "Deliveries not released yet, whatever their due time, of unfinished campaigns",
            registry=registry,
        )
        self.campaigns = Gauge(
            "scheduler_campaigns",
            "Unfinished campaigns, by state (scheduled, snapshotting, running, paused)",
            ["state"],
            registry=registry,
        )
        self.campaigns_stalled = Gauge(
            "scheduler_campaigns_stalled",
            "Running campaigns, not paused, with deliveries they may release and no release "
            "or outcome for STALL_AFTER_SECONDS",
            registry=registry,
        )
