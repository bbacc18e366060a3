"""Failures that pass (a database or broker restarting) are waited out, not turned
into lost or dead-lettered messages."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import aio_pika.exceptions
import aiormq.exceptions
import asyncpg
import pydantic

from .logs import get_logger

T = TypeVar("T")

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.SerializationError,
    asyncpg.exceptions.DeadlockDetectedError,
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.exceptions.InsufficientResourcesError,
    aio_pika.exceptions.AMQPError,
    aiormq.exceptions.AMQPError,
    ConnectionError,
    OSError,
    TimeoutError,
)

PERMANENT_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.DataError,  # a NUL character, a value or date out of range: class 22
    asyncpg.ProgramLimitExceededError,  # e.g. a text too long for an index entry
    pydantic.ValidationError,  # a model built from the message's values
    OverflowError,  # datetime arithmetic past year 9999
)
"""Failures that come back the same way on every attempt: the message's values
are at fault, so retrying cannot help."""

log = get_logger(__name__)


def is_permanent(error: BaseException) -> bool:
    return isinstance(error, PERMANENT_ERRORS)


def is_transient(error: BaseException) -> bool:
    return isinstance(error, TRANSIENT_ERRORS)


async def retry_transient(
    operation: Callable[[], Awaitable[T]],
    *,
    what: str,
    max_delay: float = 5.0,
    give_up_after: float | None = None,
) -> T:
    """Run `operation`, retrying transient failures with exponential backoff.

    Without `give_up_after` it retries until it succeeds or its task is cancelled
    (the service shutting down), so a message being handled stays unacknowledged
    and is redelivered to whoever runs next.
    """
    delay = 0.05
    waited = 0.0
    while True:
        try:
            return await operation()
        except TRANSIENT_ERRORS as error:
            if give_up_after is not None and waited >= give_up_after:
                raise
            log.warning(
                "transient failure, retrying",
                what=what,
                error=f"{type(error).__name__}: {error}",
                retry_in=round(delay, 2),
            )
            await asyncio.sleep(delay)
            waited += delay
            delay = min(delay * 2, max_delay)
