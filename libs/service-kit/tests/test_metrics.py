"""The metrics every service exports: process and platform collectors, message
age and outcomes, and broker metrics whose queue labels stay bounded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from contracts.names import dispatch_queue
from faststream.rabbit import RabbitBroker, TestRabbitBroker
from prometheus_client import CollectorRegistry, generate_latest
from pydantic import BaseModel
from service_kit.broker_metrics import broker_metrics
from service_kit.dead_letters import DeadLetterPolicy
from service_kit.metrics import ConsumerMetrics, service_registry

TENANT = "tenant-4f1c"
CONNECTION = "conn-77aa"
QUEUE = dispatch_queue("telegram", TENANT, CONNECTION)
TEMPLATE = "dispatch.telegram.connection"


class Job(BaseModel):
    n: int


def sample(registry: CollectorRegistry, name: str, **labels: str) -> float | None:
    return registry.get_sample_value(name, labels)


def test_a_service_registry_has_process_and_platform_metrics() -> None:
    text = generate_latest(service_registry()).decode()
    for name in ("process_resident_memory_bytes", "process_open_fds", "python_info"):
        assert f"\n{name}" in text, name
    assert "python_gc_collections_total" in text


def test_message_age_is_now_minus_its_timestamp_under_the_queue_template() -> None:
    registry = CollectorRegistry()
    metrics = ConsumerMetrics(registry)
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    metrics.observe_age(QUEUE, now - timedelta(seconds=42), now)
    metrics.observe_age(QUEUE, now + timedelta(seconds=3), now)  # a clock ahead of ours
    metrics.observe_age(QUEUE, None, now)  # no timestamp: not counted
    assert sample(registry, "consumer_message_age_seconds_count", queue=TEMPLATE) == 2
    assert sample(registry, "consumer_message_age_seconds_sum", queue=TEMPLATE) == 42
    assert sample(registry, "consumer_message_age_seconds_bucket", queue=TEMPLATE, le="0.5") == 1


class Kit:
    """A broker as the runtime builds it, consuming one connection's queue."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.broker = RabbitBroker(middlewares=[broker_metrics(self.registry, "kit")])
        self.broker.add_middleware(DeadLetterPolicy(self.broker, ConsumerMetrics(self.registry)))
        self.seen: list[int] = []

        @self.broker.subscriber(QUEUE)
        async def handle(job: Job) -> None:
            self.seen.append(job.n)


async def test_a_consumed_job_is_counted_with_its_age_under_the_queue_template() -> None:
    kit = Kit()
    published = datetime.now(UTC) - timedelta(seconds=90)
    async with TestRabbitBroker(kit.broker) as broker:
        await broker.publish({"n": 1}, QUEUE, timestamp=published)
    assert kit.seen == [1]
    age = sample(kit.registry, "consumer_message_age_seconds_sum", queue=TEMPLATE)
    assert age is not None
    assert 90 <= age < 120
    assert sample(kit.registry, "consumer_messages_total", queue=TEMPLATE, outcome="handled") == 1


async def test_broker_metrics_name_no_tenant_or_connection() -> None:
    kit = Kit()
    async with TestRabbitBroker(kit.broker) as broker:
        await broker.publish({"n": 2}, QUEUE)
    labels: dict[str, Any] = {"app_name": "kit", "broker": "rabbitmq"}
    destination = f"default.{TEMPLATE}"
    received = "faststream_received_messages_total"
    published = "faststream_published_messages_total"
    assert sample(kit.registry, received, handler=destination, **labels) == 1
    assert sample(kit.registry, published, destination=destination, status="success", **labels)
    text = generate_latest(kit.registry).decode()
    assert TENANT not in text
    assert CONNECTION not in text
