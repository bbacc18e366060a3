"""Typed handlers: a method that takes a contracts model, marked with the queue
it consumes (`@consumes(...)`), becomes a faststream subscriber of a router.

    class Handlers:
        @consumes(Queue.SCHEDULER_TENANTS, INTERNAL_EXCHANGE, RoutingKey.TENANT_UPDATED)
        async def on_tenant_updated(self, event: TenantUpdatedV1) -> None: ...

    runtime.include(*routers_of(handlers))

Every queue is a quorum queue that dead-letters to `<queue>.dlq`, consumed with
the `NACK_ON_ERROR` policy; what becomes of a message that fails is the
`DeadLetterPolicy` middleware's business.  A handler that returns a model answers
a message that asked for a reply (`reply_to`).  A handler that keeps the message
as it arrived takes its body as a second parameter, `body: RawBody`.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from faststream import Context
from faststream.middlewares import AckPolicy
from faststream.rabbit import Channel, RabbitRouter
from pydantic import BaseModel, ValidationError

from .topology import quorum_queue, topic_exchange

if TYPE_CHECKING:
    from faststream._internal.types import BrokerMiddleware
    from faststream.message import StreamMessage
    from faststream.rabbit.broker.registrator import RabbitRegistrator
    from faststream.rabbit.subscriber import RabbitSubscriber

F = TypeVar("F", bound=Callable[..., Any])

Prefetch = int | Callable[[Any], int]
"""A number, or what the handlers' owner says (e.g. `lambda h: h.settings.concurrency`)."""
QueueName = str | Callable[[Any], str]
"""A name, or the owner's (e.g. `lambda dispatcher: f"dispatcher-{dispatcher.name}.x"`)."""

RawBody = Annotated[bytes, Context("message.body")]
"""The body of the message being handled, the bytes its model was read from."""

_BINDING = "__consumes__"
DEFAULT_AREA = "events"


@dataclass(frozen=True)
class Binding:
    """The queue a handler consumes, how it is bound, and how much is prefetched."""

    queue: QueueName
    exchange: str | None = None
    routing_key: str = ""
    prefetch: Prefetch = 32
    single_active_consumer: bool = False
    area: str = DEFAULT_AREA
    """Handlers of one area share a router (and its middlewares)."""

    def queue_of(self, owner: object) -> str:
        return self.queue if isinstance(self.queue, str) else self.queue(owner)

    def prefetch_of(self, owner: object) -> int:
        return self.prefetch if isinstance(self.prefetch, int) else self.prefetch(owner)


class InvalidMessage(Exception):
    """A body that is not the model its handler takes (not JSON included)."""

    def __init__(self, model: type[BaseModel], error: ValidationError) -> None:
        super().__init__(f"invalid {model.__name__}: {error}")
        self.model = model
        self.error = error


class ContractDecoder:
    """Reads a body as `model` in pydantic's JSON mode, in one pass: the contracts'
    own rules (those of their JSON Schemas) and errors named by the model, where
    faststream's decoder would parse JSON first and validate the objects after."""

    def __init__(self, model: type[BaseModel]) -> None:
        self.model = model

    async def __call__(self, message: StreamMessage[Any]) -> BaseModel:
        try:
            return self.model.model_validate_json(message.body)
        except ValidationError as error:
            raise InvalidMessage(self.model, error) from None


def consumes(
    queue: QueueName,
    exchange: str | None = None,
    routing_key: str = "",
    *,
    prefetch: Prefetch = 32,
    single_active_consumer: bool = False,
    area: str = DEFAULT_AREA,
) -> Callable[[F], F]:
    """Mark a handler with the queue it consumes (see `routers_of`)."""
    binding = Binding(queue, exchange, routing_key, prefetch, single_active_consumer, area)

    def mark(handler: F) -> F:
        setattr(handler, _BINDING, binding)
        return handler

    return mark


def model_of(handler: Callable[..., Any]) -> type[BaseModel]:
    """The contracts model a handler takes: its first parameter's annotation (a
    second, if any, is its `RawBody`)."""
    parameter, *rest = inspect.signature(handler).parameters.values()
    hints = typing.get_type_hints(inspect.unwrap(handler), include_extras=True)
    if [hints.get(other.name) for other in rest] not in ([], [RawBody]):
        raise TypeError(f"{handler!r} may take only its model and its RawBody")
    model = hints[parameter.name]
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise TypeError(f"{handler!r} must take one contracts model, not {model!r}")
    return model


def subscribe(
    registrator: RabbitRegistrator,
    binding: Binding,
    handler: Callable[..., Any],
    owner: object = None,
) -> RabbitSubscriber:
    """Register `handler` on `registrator` (a broker or a router) for `binding`
    (whose callables `owner` answers)."""
    subscriber = registrator.subscriber(
        quorum_queue(
            binding.queue_of(owner),
            routing_key=binding.routing_key,
            single_active_consumer=binding.single_active_consumer,
        ),
        topic_exchange(binding.exchange) if binding.exchange else None,
        channel=Channel(prefetch_count=binding.prefetch_of(owner)),
        ack_policy=AckPolicy.NACK_ON_ERROR,
        decoder=ContractDecoder(model_of(handler)),
    )
    subscriber(handler)
    return subscriber


def bound_handlers(owner: object) -> Iterable[tuple[Binding, Callable[..., Any]]]:
    """`owner`'s methods marked with `@consumes`, in the order of the class."""
    for name in vars(type(owner)):
        binding = getattr(getattr(type(owner), name), _BINDING, None)
        if isinstance(binding, Binding):
            yield binding, getattr(owner, name)


def routers_of(
    owner: object,
    middlewares: Mapping[str, Sequence[BrokerMiddleware[Any]]] | None = None,
) -> list[RabbitRouter]:
    """A router per area of `owner`'s handlers, with that area's `middlewares`."""
    routers: dict[str, RabbitRouter] = {}
    for binding, handler in bound_handlers(owner):
        if binding.area not in routers:
            extra = (middlewares or {}).get(binding.area, ())
            routers[binding.area] = RabbitRouter(middlewares=extra)
        subscribe(routers[binding.area], binding, handler, owner)
    return list(routers.values())
