"""Writes gathered while one is running go together, in the order queued."""

from __future__ import annotations

import asyncio

from dispatch_core.group_writes import GroupWriter


async def test_writes_queued_while_one_runs_go_in_the_next_one_in_order() -> None:
    written: list[list[int]] = []
    release = asyncio.Event()

    async def write(items: list[int]) -> list[int]:
        written.append(items)
        if len(written) == 1:
            await release.wait()
        return [item * 10 for item in items]

    writer: GroupWriter[int, int] = GroupWriter(write, what="numbers")
    first = asyncio.ensure_future(writer.submit(1))
    while not written:  # the first write is running
        await asyncio.sleep(0)
    rest = [writer.enqueue(n) for n in (2, 3, 4)]
    release.set()
    assert await first == 10
    assert [await f for f in rest] == [20, 30, 40]
    assert written == [[1], [2, 3, 4]]


async def test_an_abandoned_write_is_told() -> None:
    abandoned: list[tuple[str, int]] = []
    release = asyncio.Event()

    async def write(items: list[str]) -> list[int]:
        await release.wait()
        return [len(item) for item in items]

    async def undo(items: list[tuple[str, int]]) -> None:
        abandoned.extend(items)

    writer: GroupWriter[str, int] = GroupWriter(write, what="words", abandoned=undo)
    waiting = asyncio.ensure_future(writer.submit("claim"))
    kept = writer.enqueue("kept")
    await asyncio.sleep(0)
    waiting.cancel()
    release.set()
    assert await kept == 4
    assert abandoned == [("claim", 5)]


async def test_items_that_may_wait_go_with_the_next_that_may_not() -> None:
    written: list[list[int]] = []

    async def write(items: list[int]) -> list[int]:
        written.append(items)
        return items

    # odd numbers may wait (outcomes), even ones may not (claims)
    writer: GroupWriter[int, int] = GroupWriter(
        write, what="numbers", may_wait=lambda n: n % 2 == 1, linger=5.0
    )
    waiting = [writer.enqueue(1), writer.enqueue(3)]
    await asyncio.sleep(0.01)
    assert written == []  # still waiting for an item that may not wait
    assert await writer.submit(4) == 4
    assert [await f for f in waiting] == [1, 3]
    assert written == [[1, 3, 4]]


async def test_items_that_may_wait_go_alone_after_the_linger() -> None:
    written: list[list[int]] = []

    async def write(items: list[int]) -> list[int]:
        written.append(items)
        return items

    writer: GroupWriter[int, int] = GroupWriter(
        write, what="numbers", may_wait=lambda n: n % 2 == 1, linger=0.05
    )
    started = asyncio.get_running_loop().time()
    assert await writer.submit(1) == 1
    assert asyncio.get_running_loop().time() - started >= 0.04
    assert written == [[1]]
