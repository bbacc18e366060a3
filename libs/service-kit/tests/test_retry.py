"""A broker restarting is waited out; background work that fails starts again."""

from __future__ import annotations

import asyncio
import uuid

import aio_pika.exceptions
import aiormq.exceptions
import asyncpg
import pytest
from service_kit.backoff import Backoff
from service_kit.retry import is_transient, keep_running, retry_transient

QUICK = Backoff(first=0.001, longest=0.01)


@pytest.mark.parametrize(
    "error",
    [
        aiormq.exceptions.ChannelInvalidStateError("writer is None"),
        aio_pika.exceptions.ChannelInvalidStateError("channel closed"),
        aiormq.exceptions.ConnectionClosed(320, "CONNECTION_FORCED"),
        aiormq.exceptions.ChannelClosed(),
        aiormq.exceptions.AMQPConnectionError(),
        aio_pika.exceptions.ChannelClosed(),
    ],
)
def test_a_channel_or_connection_being_reopened_is_transient(error: BaseException) -> None:
    assert is_transient(error)


async def test_a_publish_on_a_channel_being_reopened_is_retried_until_it_goes() -> None:
    calls = 0

    async def publish() -> str:
        nonlocal calls
        calls += 1
        if calls <= 3:
            raise aiormq.exceptions.ChannelInvalidStateError("writer is None")
        return "published"

    assert await retry_transient(publish, what="publish", backoff=QUICK) == "published"
    assert calls == 4


async def test_a_bug_is_not_retried_as_transient() -> None:
    async def broken() -> None:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        await retry_transient(broken, what="broken")


async def test_background_work_that_fails_or_returns_is_started_again() -> None:
    runs = 0
    enough = asyncio.Event()

    async def work() -> None:
        nonlocal runs
        runs += 1
        if runs == 4:
            enough.set()
            await asyncio.Event().wait()  # runs until cancelled
        if runs % 2:
            raise RuntimeError("a bug")

    task = asyncio.create_task(keep_running(work, what="work"))
    await asyncio.wait_for(enough.wait(), 5)
    assert not task.done()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert runs == 4


@pytest.mark.integration
async def test_queries_wait_out_postgresql_ending_the_pools_connections(database_url: str) -> None:
    """A restart (here: its sessions terminated, as a restart does) reaches a pooled
    connection between queries; asyncpg then answers the next query on it "cannot
    switch to state 12; another operation (2) is in progress" (InternalClientError,
    the server's farewell still being read), not a connection error."""
    name = f"retry-test-{uuid.uuid4().hex[:8]}"
    pool = await asyncpg.create_pool(
        database_url, min_size=3, max_size=3, server_settings={"application_name": name}
    )
    admin = await asyncpg.connect(database_url)
    answered = 0

    async def queries() -> None:
        nonlocal answered
        for _ in range(150):
            await retry_transient(
                lambda: pool.fetchval("SELECT pg_sleep(0.002)"),
                what="query",
                backoff=Backoff(first=0.05, longest=0.05),
            )
            answered += 1

    async def restarts() -> None:
        for _ in range(30):
            await asyncio.sleep(0.05)
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = $1",
                name,
            )

    try:
        await asyncio.wait_for(asyncio.gather(queries(), queries(), queries(), restarts()), 120)
    finally:
        await admin.close()
        await pool.close()
    assert answered == 450
