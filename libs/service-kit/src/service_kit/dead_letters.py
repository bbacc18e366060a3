"""The dead-letter and retry policy of every consumer, as one faststream middleware.

What becomes of a message whose handler (a faststream subscriber whose parameter
is its contracts model) was given it:

* handled -> acknowledged;
* not JSON, or not the handler's model -> to `<queue>.dlq` with the reason in the
  `x-dead-letter-reason` header, and the reason is logged (an `AnswerInvalid`
  middleware of the handler's router may answer it first, e.g. with a rejection
  event);
* a transient failure (database or broker away) -> retried in place until it
  passes, so nothing is lost and nothing is dead-lettered for it;
* `Unprocessable`, or a failure that would come back the same way (retry's
  `PERMANENT_ERRORS`: PostgreSQL refusing a value, a date out of range) -> to
  `<queue>.dlq` at once, with the reason, never retried;
* any other exception -> logged and raised, so the subscriber's
  `NACK_ON_ERROR` policy requeues it; after `DELIVERY_LIMIT` deliveries RabbitMQ
  dead-letters it.

Each message is logged with `queue` and `message_id` bound, and the identifying
fields of its body (`LOG_FIELDS`) that it has; its outcome and its age (now minus
its AMQP `timestamp`) are counted in `ConsumerMetrics`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import structlog
from contracts.names import DEAD_LETTER_EXCHANGE
from faststream import BaseMiddleware
from faststream.rabbit import RabbitBroker
from pydantic import ValidationError

from .errors import Unprocessable, summarize
from .logs import get_logger
from .metrics import ConsumerMetrics
from .retry import PERMANENT_ERRORS, retry_transient
from .subscribers import InvalidMessage
from .topology import declare_dead_letter_queue

if TYPE_CHECKING:
    from aio_pika import IncomingMessage
    from faststream._internal.basic_types import AsyncFuncAny
    from faststream._internal.context.repository import ContextRepo
    from faststream.message import StreamMessage

log = get_logger(__name__)

P = TypeVar("P")

LOG_FIELDS = ("campaign_id", "tenant_id", "connection_id", "request_id", "list_id", "import_id")
"""Body fields bound to the log lines of the message's handling, when present."""

_DEAD_AT_ONCE: tuple[type[BaseException], ...] = (InvalidMessage, Unprocessable, *PERMANENT_ERRORS)

OnInvalid = Callable[[bytes, ValidationError], Awaitable[bool]]
"""Given a body that is not its handler's model: True when it answered it."""


async def dead_letter(broker: RabbitBroker, raw: IncomingMessage, queue: str, reason: str) -> None:
    """Move `raw` to `<queue>.dlq`, saying why."""
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


async def declare_dead_letters(broker: RabbitBroker, queues: list[str]) -> None:
    for queue in queues:
        await declare_dead_letter_queue(broker, queue)


def reason(error: BaseException) -> str:
    """Why a message failed for good, to read in its `x-dead-letter-reason`."""
    if isinstance(error, Unprocessable):
        return error.reason
    if isinstance(error, InvalidMessage):
        return f"invalid {error.model.__name__}: {summarize(error.error)}"
    if isinstance(error, ValidationError):
        return f"{type(error).__name__}: {summarize(error)}"
    return f"{type(error).__name__}: {error}"


async def log_fields(msg: StreamMessage[Any]) -> dict[str, str]:
    """The `LOG_FIELDS` the message's model has (decoded once: the handler gets
    the decoded model from the message's cache).

    Looked up in the model's fields, never with `hasattr`: a pydantic model answers
    an attribute it lacks by raising, some 20 us each, for every message consumed."""
    try:
        event = await msg.decode()
    except (InvalidMessage, ValueError):  # ValueError: not JSON, to a default decoder
        return {}
    fields = getattr(type(event), "model_fields", {})
    return {name: str(getattr(event, name)) for name in LOG_FIELDS if name in fields}


class _Scope(BaseMiddleware, Generic[P]):
    """A middleware as faststream makes one per message, with its `policy`."""

    def __init__(self, msg: Any, /, *, context: ContextRepo, policy: P) -> None:
        super().__init__(msg, context=context)
        self.policy = policy


class DeadLetterPolicy:
    """The broker middleware (one per broker: `broker.add_middleware(policy)`)."""

    def __init__(self, broker: RabbitBroker, metrics: ConsumerMetrics) -> None:
        self.broker = broker
        self.metrics = metrics

    def __call__(self, msg: Any, /, *, context: ContextRepo) -> BaseMiddleware:
        return _DeadLetterScope(msg, context=context, policy=self)


class _DeadLetterScope(_Scope[DeadLetterPolicy]):
    async def consume_scope(self, call_next: AsyncFuncAny, msg: StreamMessage[Any]) -> Any:
        subscriber = self.context.get_local("handler_")
        if subscriber is None:  # not a subscriber's message (a reply being read)
            return await call_next(msg)
        queue: str = subscriber.queue.name
        self.policy.metrics.observe_age(queue, msg.raw_message.timestamp, datetime.now(UTC))
        bound = structlog.contextvars.bound_contextvars
        with bound(queue=queue, message_id=msg.message_id), bound(**await log_fields(msg)):
            try:
                result = await retry_transient(lambda: call_next(msg), what=f"handle {queue}")
            except _DEAD_AT_ONCE as failure:
                return await self._dead(msg, queue, reason(failure))
            except Exception:
                log.exception("handler failed; message requeued")
                raise
            self.policy.metrics.count(queue, "handled")
            return result

    async def _dead(self, msg: StreamMessage[Any], queue: str, why: str) -> None:
        await retry_transient(
            lambda: dead_letter(self.policy.broker, msg.raw_message, queue, why),
            what="dead-letter",
        )
        self.policy.metrics.count(queue, "dead_lettered")
        log.error("message dead-lettered", reason=why)


class AnswerInvalid:
    """A router middleware: a body that is not its handler's model is given to
    `on_invalid` first; one it answers is acknowledged, not dead-lettered."""

    def __init__(self, on_invalid: OnInvalid, metrics: ConsumerMetrics) -> None:
        self.on_invalid = on_invalid
        self.metrics = metrics

    def __call__(self, msg: Any, /, *, context: ContextRepo) -> BaseMiddleware:
        return _AnswerInvalidScope(msg, context=context, policy=self)


class _AnswerInvalidScope(_Scope[AnswerInvalid]):
    async def consume_scope(self, call_next: AsyncFuncAny, msg: StreamMessage[Any]) -> Any:
        try:
            return await call_next(msg)
        except InvalidMessage as invalid:
            if not await self.policy.on_invalid(msg.body, invalid.error):
                raise
        queue = self.context.get_local("handler_").queue.name
        self.policy.metrics.count(queue, "answered_invalid")
        return None
