"""Failures that pass (a database or broker restarting) are waited out, not turned
into lost or dead-lettered messages; background work that fails is started again
(`keep_running`) with the same backoff, never left dead in a live process.  Unless
told otherwise, `retry_transient` retries `TRANSIENT_ERRORS` only: a failure that
comes back the same way on every attempt (`PERMANENT_ERRORS`, a bug) is raised at
once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import aio_pika.exceptions
import aiormq.exceptions
import asyncpg
import pydantic

from .backoff import TRANSIENT, Backoff
from .logs import get_logger

T = TypeVar("T")

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    # a pooled connection PostgreSQL ended between queries (a restart): asyncpg,
    # still reading the server's farewell, answers the next query on it "cannot
    # switch to state 12; another operation (2) is in progress"
    asyncpg.exceptions.InternalClientError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.SerializationError,
    asyncpg.exceptions.DeadlockDetectedError,
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.exceptions.InsufficientResourcesError,
    aio_pika.exceptions.AMQPError,
    aiormq.exceptions.AMQPError,
    # a channel or connection being reopened (the broker restarting): a RuntimeError
    aiormq.exceptions.ChannelInvalidStateError,
    aio_pika.exceptions.ChannelInvalidStateError,
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
    backoff: Backoff = TRANSIENT,
    give_up_after: float | None = None,
    retry_on: tuple[type[BaseException], ...] = TRANSIENT_ERRORS,
) -> T:
    """Run `operation`, retrying its failures in `retry_on` (transient ones by
    default) after the waits of `backoff`; any other failure is raised at once.

    Without `give_up_after` it retries until it succeeds or its task is cancelled
    (the service shutting down), so a message being handled stays unacknowledged
    and is redelivered to whoever runs next.  With it, a failure that comes
    `give_up_after` seconds or more after the first attempt began is raised.
    """
    deadline = None if give_up_after is None else time.monotonic() + give_up_after
    failures = 0
    while True:
        try:
            result = await operation()
        except retry_on as error:
            if deadline is not None and time.monotonic() >= deadline:
                raise
            failures += 1
            delay = backoff.delay(failures)
            unexpected = not is_transient(error)
            log.warning(
                "unexpected failure, retrying" if unexpected else "transient failure, retrying",
                what=what,
                error=f"{type(error).__name__}: {error}",
                retry_in=round(delay, 2),
                exc_info=unexpected,
            )
            await asyncio.sleep(delay)
        else:
            if failures:
                log.info("recovered after transient failures", what=what, failures=failures)
            return result


async def keep_running(work: Callable[[], Awaitable[None]], *, what: str) -> None:
    """Run background `work` until its task is cancelled: whatever it fails with
    (a bug included), it is logged and started again after the waits of
    `TRANSIENT`, so a live process never goes on without it."""
    while True:
        await retry_transient(work, what=what, retry_on=(Exception,))
