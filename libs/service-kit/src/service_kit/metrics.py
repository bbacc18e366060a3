"""The metrics registry of a service process, and the metrics of consumed messages.

Every registry a runtime makes carries the process (`process_*`), platform
(`python_info`) and garbage-collector (`python_gc_*`) collectors.  Queue labels
go through `contracts.names.queue_label`, so a per-connection queue adds no new
label value.
"""

from __future__ import annotations

from datetime import UTC, datetime

from contracts.names import queue_label
from prometheus_client import (
    CollectorRegistry,
    Counter,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)

MESSAGE_AGE_BUCKETS = (0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600)
"""Seconds: the AMQP timestamp counts whole seconds, so nothing finer than that."""


def service_registry() -> CollectorRegistry:
    """A new registry with the process, platform and GC collectors on it."""
    registry = CollectorRegistry()
    ProcessCollector(registry=registry)
    PlatformCollector(registry=registry)
    GCCollector(registry=registry)
    return registry


class ConsumerMetrics:
    """`consumer_messages_total{queue,outcome}` and `consumer_message_age_seconds{queue}`,
    `queue` bounded by `queue_label`."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.messages = Counter(
            "consumer_messages",
            "Messages consumed, by queue and outcome (handled, answered_invalid, dead_lettered)",
            ["queue", "outcome"],
            registry=registry,
        )
        self.age = Histogram(
            "consumer_message_age_seconds",
            "Seconds from a message's publishing (its AMQP timestamp) to its consumption",
            ["queue"],
            buckets=MESSAGE_AGE_BUCKETS,
            registry=registry,
        )

    def count(self, queue: str, outcome: str) -> None:
        self.messages.labels(queue_label(queue), outcome).inc()

    def observe_age(self, queue: str, published: datetime | None, now: datetime) -> None:
        """Record how long the message waited; nothing when it has no timestamp.  A
        publisher's clock ahead of ours counts as no wait, not a negative one."""
        if published is None:
            return
        if published.tzinfo is None:  # read as UTC, as AMQP means it
            published = published.replace(tzinfo=UTC)
        waited = max(0.0, (now - published).total_seconds())
        self.age.labels(queue_label(queue)).observe(waited)
