"""A background loop runs its work again after a failure, and stops when told."""

from __future__ import annotations

import asyncio

from service_kit.loops import Loop


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
