"""A background loop runs its work again after a failure, and stops when told."""

from __future__ import annotations

import asyncio

import pytest
from service_kit.loops import Loop, wait_until_set


async def test_a_failing_pass_is_run_again_and_stop_ends_the_loop() -> None:
    passes = 0
    again = asyncio.Event()

    async def work() -> None:
        nonlocal passes
        passes += 1
        if passes == 1:
            raise RuntimeError("a bug in the first pass")
        again.set()
        await asyncio.sleep(3600)

    loop = Loop(work, what="test loop")
    assert not loop.running
    assert not loop.ended
    loop.start()
    await asyncio.wait_for(again.wait(), 5)
    assert passes == 2
    assert loop.running
    await loop.stop()
    assert not loop.running
    assert not loop.ended
    await loop.stop()  # stopping twice is harmless


@pytest.mark.parametrize("turns", [0, 1, 2, 3])
async def test_a_loop_woken_as_it_is_stopped_stops(turns: int) -> None:
    """The wake-up and the stop in the same moment (`turns` of the event loop
    apart): the stop is not lost to the wake-up, as it was with `asyncio.wait_for`
    (the pass returned as if woken, the loop went on, and `stop` waited for ever)."""
    wake, waiting = asyncio.Event(), asyncio.Event()

    async def work() -> None:
        waiting.set()
        await wait_until_set(wake, 3600)
        wake.clear()

    loop = Loop(work, what="test loop")
    loop.start()
    await asyncio.wait_for(waiting.wait(), 2)  # the pass is asleep
    wake.set()
    for _ in range(turns):
        await asyncio.sleep(0)
    stopping = asyncio.create_task(loop.stop())
    done, _ = await asyncio.wait([stopping], timeout=2)
    assert stopping in done, "the loop did not stop"


async def test_waiting_until_set_says_whether_it_was_set() -> None:
    event = asyncio.Event()
    assert await wait_until_set(event, 0.01) is False
    asyncio.get_running_loop().call_later(0.01, event.set)
    assert await wait_until_set(event, 5) is True
