"""faststream's broker metrics (`faststream_received_messages_total`,
`faststream_published_messages_total`, ... with `handler`/`destination` labels)
with bounded labels.

faststream's `RabbitPrometheusMiddleware` labels a message `<exchange>.<routing
key>`: a job sent to a per-connection queue through the default exchange would
add a label value per tenant and connection.  This middleware is faststream's,
with the routing key put through `contracts.names.queue_label` first, so such a
job counts under `default.dispatch.<dispatcher>.connection`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from contracts.names import queue_label
from faststream.prometheus import ConsumeAttrs, PrometheusMiddleware
from faststream.rabbit.prometheus.provider import RabbitMetricsSettingsProvider

if TYPE_CHECKING:
    from aio_pika import IncomingMessage
    from faststream.message import StreamMessage
    from faststream.rabbit.response import RabbitPublishCommand
    from prometheus_client import CollectorRegistry


def destination_label(exchange: str | None, routing_key: str | None) -> str:
    """`<exchange>.<routing key>` as faststream writes it, the key bounded."""
    return f"{exchange or 'default'}.{queue_label(routing_key or '')}"


class BoundedRabbitSettings(RabbitMetricsSettingsProvider):
    """faststream's RabbitMQ label settings, with `destination_label`."""

    def get_consume_attrs_from_message(self, msg: StreamMessage[IncomingMessage]) -> ConsumeAttrs:
        attrs = super().get_consume_attrs_from_message(msg)
        raw = msg.raw_message
        attrs["destination_name"] = destination_label(raw.exchange, raw.routing_key)
        return attrs

    def get_publish_destination_name_from_cmd(self, cmd: RabbitPublishCommand) -> str:
        return destination_label(cmd.exchange.name, cmd.destination)


def broker_metrics(registry: CollectorRegistry, app_name: str) -> PrometheusMiddleware[Any, Any]:
    """The broker middleware that counts what is consumed and published."""
    return PrometheusMiddleware(
        settings_provider_factory=lambda _: BoundedRabbitSettings(),
        registry=registry,
        app_name=app_name,
    )
