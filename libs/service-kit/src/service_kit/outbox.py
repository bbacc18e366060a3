"""The transactional outbox: an event is written in the same transaction as the
state change that caused it, and a relay publishes it afterwards.

So a crash between "committed" and "published" loses nothing: the relay of the
next process to run publishes what is left.  Consumers are idempotent, so the
rare event published twice (a crash between publishing and deleting) is harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

import asyncpg
from prometheus_client import CollectorRegistry, Counter
from pydantic import BaseModel

from .loops import Loop, wait_until_set
from .outbox_backlog import OutboxBacklog
from .publishing import Publisher, encode
from .retry import TRANSIENT_ERRORS, retry_transient
from .sql import sql_loader

sql = sql_loader(Path(__file__).parent / "sql")
INSERT_OUTBOX = sql("insert_outbox")
CLAIM_OUTBOX = sql("claim_outbox")
CLAIM_OUTBOX_ROWS = sql("claim_outbox_rows")
DELETE_OUTBOX = sql("delete_outbox")


@dataclass(frozen=True)
class OutgoingMessage:
    """An event to publish once the transaction commits."""

    exchange: str
    routing_key: str
    message: BaseModel
    message_id: str | None = None
    message_type: str | None = None
    """The AMQP type; the routing key when not given (a message sent straight to a
    queue through the default exchange names its type here)."""


@dataclass(frozen=True)
class EncodedMessage:
    """An event to publish once the transaction commits, as the JSON its contracts
    model would be encoded to, written by the caller (who answers for it validating
    as that model)."""

    exchange: str
    routing_key: str
    body: bytes
    message_id: str | None = None
    message_type: str | None = None
    """As `OutgoingMessage.message_type`."""


Conn: TypeAlias = "asyncpg.Connection[Any] | asyncpg.pool.PoolConnectionProxy[Any]"


async def add_to_outbox(
    conn: Conn, messages: Sequence[OutgoingMessage | EncodedMessage]
) -> list[int]:
    """Store `messages` within the caller's transaction; returns their outbox ids."""
    if not messages:
        return []
    rows = await conn.fetch(
        INSERT_OUTBOX,
        [m.exchange for m in messages],
        [m.routing_key for m in messages],
        [m.message_id or uuid.uuid4().hex for m in messages],
        [m.message_type or m.routing_key for m in messages],
        [m.body if isinstance(m, EncodedMessage) else encode(m.message) for m in messages],
    )
    return [row["id"] for row in rows]


class OutboxRelay:
    """Publishes what the outbox holds, oldest first; woken at once by `notify()`
    after a commit, and every `poll_seconds` in case another process wrote.  Beside
    it, every `measure_seconds`, the backlog is measured (`OutboxBacklog`), also
    while publishing fails."""

    def __init__(
        self,
        pool: asyncpg.Pool[Any],
        publisher: Publisher,
        registry: CollectorRegistry,
        *,
        batch_size: int = 200,
        poll_seconds: float = 1.0,
        measure_seconds: float = 5.0,
    ) -> None:
        self._pool = pool
        self._publisher = publisher
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._published = Counter(
            "outbox_published", "Events published from the outbox", registry=registry
        )
        self.backlog = OutboxBacklog(registry)
        self._measure_seconds = measure_seconds
        self._measuring = Loop(self._measure_and_wait, what="outbox backlog")

    def notify(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-relay")
        self._measuring.start()

    async def stop(self, grace_seconds: float = 5.0) -> None:
        """Let the batch being published finish, then stop: a publish cancelled while
        it waits for the broker's confirm leaves the channel unusable, and stopping
        the broker's consumers after it would wait out their RPC timeouts."""
        await self._measuring.stop()
        if self._task is None:
            return
        self._stopping = True
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), grace_seconds)
        except TimeoutError:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None

    async def _run(self) -> None:
        while not self._stopping:
            # cleared before looking, so a notify() that comes while a batch is being
            # published is not lost (it would wait out poll_seconds)
            self._wake.clear()
            published = await retry_transient(self._relay_unless_stopping, what="relay the outbox")
            if published >= self._batch_size:
                continue
            await wait_until_set(self._wake, self._poll_seconds)

    async def _measure_and_wait(self) -> None:
        """Measure the backlog, then wait `measure_seconds`; while the database is
        away the gauges keep their last figures."""
        with contextlib.suppress(*TRANSIENT_ERRORS):
            await self.backlog.measure(self._pool)
        await asyncio.sleep(self._measure_seconds)

    async def _relay_unless_stopping(self) -> int:
        """`relay_once`, unless `stop` came while a failed batch was waited out: no
        publish starts once stopping (see `stop`)."""
        return 0 if self._stopping else await self.relay_once()

    async def relay_once(self) -> int:
        """Publish one batch; returns how many were published."""
        async with self._pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(CLAIM_OUTBOX, self._batch_size)
            await self._publish_rows(conn, rows)
        return len(rows)

    async def publish_now(self, conn: Conn, ids: Sequence[int] | None = None) -> int:
        """Publish committed rows (these, or every one there is) at once, within the
        caller's transaction, which deletes them when it commits.  Rows the relay is
        publishing at the moment are waited for: when this returns, every one of
        them has been confirmed by the broker, so what the caller does next happens
        after.  Returns how many this call published."""
        rows = await conn.fetch(CLAIM_OUTBOX_ROWS, None if ids is None else list(ids))
        await self._publish_rows(conn, rows)
        return len(rows)

    async def _publish_rows(self, conn: Conn, rows: Sequence[asyncpg.Record]) -> None:
        for row in rows:
            await self._publisher.publish_raw(
                row["body"],
                exchange=row["exchange"],
                routing_key=row["routing_key"],
                message_type=row["message_type"],
                message_id=row["message_id"],
            )
        if rows:
            await conn.execute(DELETE_OUTBOX, [row["id"] for row in rows])
        self._published.inc(len(rows))
