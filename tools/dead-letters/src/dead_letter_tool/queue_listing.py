"""The names of a vhost's queues, which AMQP cannot list.

Read from RabbitMQ's own Prometheus plugin (`rabbitmq_prometheus`, port 15692,
the endpoint Prometheus scrapes as the `rabbitmq-queues` job): its
`/metrics/detailed` endpoint, family `queue_coarse_metrics`, has one
`rabbitmq_detailed_queue_messages{vhost,queue}` sample per queue.
"""

from __future__ import annotations

import asyncio
import urllib.parse
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

QUEUE_METRIC = "rabbitmq_detailed_queue_messages"
METRICS_PORT = 15692
HTTP_TIMEOUT = 10.0


def vhost_of(rabbitmq_url: str) -> str:
    """The vhost an AMQP URL names (`/` when it names none)."""
    path = urllib.parse.urlsplit(rabbitmq_url).path
    return urllib.parse.unquote(path[1:]) if len(path) > 1 else "/"


def default_metrics_url(rabbitmq_url: str) -> str:
    """The Prometheus plugin on the broker's host: `http://<host>:15692`."""
    return f"http://{urllib.parse.urlsplit(rabbitmq_url).hostname}:{METRICS_PORT}"


def queue_names(metrics_text: str, vhost: str) -> list[str]:
    """The queues of `vhost` in a `/metrics/detailed` answer, sorted."""
    names = {
        sample.labels["queue"]
        for family in text_string_to_metric_families(metrics_text)
        if family.name == QUEUE_METRIC
        for sample in family.samples
        if sample.labels.get("vhost") == vhost and "queue" in sample.labels
    }
    return sorted(names)


def _get(url: str, timeout: float) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as answer:  # noqa: S310 (an http URL we build)
        return bytes(answer.read()).decode()


async def list_queues(metrics_url: str, vhost: str) -> list[str]:
    """The names of `vhost`'s queues, from the Prometheus plugin at `metrics_url`;
    `OSError` (a `URLError`) when it does not answer."""
    query = urllib.parse.urlencode({"vhost": vhost, "family": "queue_coarse_metrics"})
    url = f"{metrics_url.rstrip('/')}/metrics/detailed?{query}"
    return queue_names(await asyncio.to_thread(_get, url, HTTP_TIMEOUT), vhost)
