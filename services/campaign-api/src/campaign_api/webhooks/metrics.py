"""The webhooks' Prometheus metrics (labels bounded: outcomes and event types)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram


class WebhookMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.attempts = Counter(
            "webhook_attempts",
            "Attempts at delivering a webhook event, by event type and what followed: "
            "delivered (a 2xx), retrying (to be attempted again), failed (given up)",
            ["event_type", "outcome"],
            registry=registry,
        )
        self.seconds = Histogram(
            "webhook_attempt_seconds",
            "Time one attempt took, the lookup and the POST",
            buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=registry,
        )
