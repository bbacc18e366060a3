"""Consumers: decode a message into its contracts model, hand it to the handler,
and decide its fate.

* decoded and handled -> acknowledged;
* cannot be decoded -> the optional `on_invalid` hook may answer it (e.g. with a
  rejection event); otherwise it goes to `<queue>.dlq` with the reason in the
  `x-dead-letter-reason` header, and the reason is logged;
* a transient failure (database or broker away) -> retried in place until it
  passes, so nothing is lost and nothing is dead-lettered for it;
* `Unprocessable`, or a failure that would come back the same way (retry's
  `PERMANENT_ERRORS`: PostgreSQL refusing a value, a date out of range) -> to
  `<queue>.dlq` at once, with the reason, never retried;
* any other exception -> logged and requeued; after `DELIVERY_LIMIT` deliveries
  RabbitMQ dead-letters it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import structlog
from contracts.names import DEAD_LETTER_EXCHANGE
from faststream.middlewares import AckPolicy
from faststream.rabbit import Channel, RabbitBroker, RabbitMessage
from faststream.rabbit.subscriber import RabbitSubscriber
from prometheus_client import CollectorRegistry, Counter
from pydantic import BaseModel, ValidationError

from .errors import Unprocessable, summarize
from .logs import get_logger
from .retry import PERMANENT_ERRORS, retry_transient
from .topology import declare_dead_letter_queue, quorum_queue, topic_exchange

M = TypeVar("M", bound=BaseModel)

log = get_logger(__name__)


class ConsumerMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.messages = Counter(
            "consumer_messages",
            "Messages consumed, by queue and outcome (handled, answered_invalid, dead_lettered)",
            ["queue", "outcome"],
            registry=registry,
        )


@dataclass
class Subscription(Generic[M]):
    """One queue and what to do with its messages."""

    queue: str
    model: type[M]
    handle: Callable[[M], Awaitable[BaseModel | None]]
    """A returned model is the reply, when the message asked for one (`reply_to`)."""
    exchange: str | None = None
    routing_key: str = ""
    prefetch: int = 32
    single_active_consumer: bool = False
    on_invalid: Callable[[bytes, ValidationError], Awaitable[bool]] | None = None
    log_fields: Callable[[M], dict[str, Any]] = field(default=lambda _: {})


async def dead_letter(
    broker: RabbitBroker, message: RabbitMessage, queue: str, reason: str
) -> None:
    """Move `message` to `<queue>.dlq`, saying why."""
    raw = message.raw_message
    headers: dict[str, Any] = dict(raw.headers or {})
    headers.update(
        {
            "x-dead-letter-reason": reason[:2000],
            "x-original-queue": queue,
            "x-original-exchange": raw.exchange or "",
            "x-original-routing-key": raw.routing_key or "",
        }
    )
    await broker.publish(
        raw.body,
        exchange=DEAD_LETTER_EXCHANGE,
        routing_key=queue,
        persist=True,
        headers=headers,
        message_id=raw.message_id,
        content_type=raw.content_type,
        message_type=raw.type,
    )


async def _the_message(message: RabbitMessage) -> RabbitMessage:
    """Hand `consume` the message itself, undecoded: a body that is not even JSON
    must reach it, to be dead-lettered with its reason, instead of failing
    faststream's decoder.  (Taking it as the decoded value, not as a `RabbitMessage`
    context parameter, also spares each message the worker thread that
    fast_depends resolves context parameters in.)"""
    return message


_DEAD_AT_ONCE: tuple[type[BaseException], ...] = (Unprocessable, *PERMANENT_ERRORS)


def _reason(error: BaseException) -> str:
    """Why a message failed for good, to read in its `x-dead-letter-reason`."""
    if isinstance(error, Unprocessable):
        return error.reason
    if isinstance(error, ValidationError):
        return f"{type(error).__name__}: {summarize(error)}"
    return f"{type(error).__name__}: {error}"


def subscribe(
    broker: RabbitBroker, subscription: Subscription[M], metrics: ConsumerMetrics
) -> RabbitSubscriber:
    """Register `subscription` on `broker` (call `declare_dead_letters` before start)."""
    queue_name = subscription.queue
    counter = metrics.messages

    async def consume(decoded: Any) -> bytes | None:
        message: RabbitMessage = decoded
        with structlog.contextvars.bound_contextvars(
            queue=queue_name, message_id=message.message_id
        ):
            try:
                event = subscription.model.model_validate_json(message.body)
            except ValidationError as error:
                if subscription.on_invalid is not None and await subscription.on_invalid(
                    message.body, error
                ):
                    counter.labels(queue_name, "answered_invalid").inc()
                    return None
                reason = f"invalid {subscription.model.__name__}: {summarize(error)}"
                await retry_transient(
                    lambda: dead_letter(broker, message, queue_name, reason), what="dead-letter"
                )
                counter.labels(queue_name, "dead_lettered").inc()
                log.error("message dead-lettered", reason=reason)
                return None
            with structlog.contextvars.bound_contextvars(**subscription.log_fields(event)):
                try:
                    reply = await retry_transient(
                        lambda: subscription.handle(event), what=f"handle {queue_name}"
                    )
                except _DEAD_AT_ONCE as failure:
                    why = _reason(failure)
                    await retry_transient(
                        lambda: dead_letter(broker, message, queue_name, why),
                        what="dead-letter",
                    )
                    counter.labels(queue_name, "dead_lettered").inc()
                    log.error("message dead-lettered", reason=why)
                    return None
                except Exception:
                    log.exception("handler failed; message requeued")
                    raise
            counter.labels(queue_name, "handled").inc()
            return None if reply is None else reply.model_dump_json().encode()

    exchange = topic_exchange(subscription.exchange) if subscription.exchange else None
    subscriber = broker.subscriber(
        quorum_queue(
            queue_name,
            routing_key=subscription.routing_key,
            single_active_consumer=subscription.single_active_consumer,
        ),
        exchange,
        channel=Channel(prefetch_count=subscription.prefetch),
        ack_policy=AckPolicy.NACK_ON_ERROR,
        decoder=_the_message,
    )
    subscriber(consume)
    return subscriber


async def declare_dead_letters(broker: RabbitBroker, queues: list[str]) -> None:
    for queue in queues:
        await declare_dead_letter_queue(broker, queue)
