"""A service's background loop: one task that runs its work until stopped."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from .retry import keep_running


class Loop:
    """`work` run over and over in a task of its own, from `start` until `stop`.

    Whatever a run of `work` fails with is logged and waited out by
    `retry.keep_running`, then `work` runs again, so a live process never goes on
    without its loop.  `work` does one pass and its wait (or loops itself)."""

    def __init__(self, work: Callable[[], Awaitable[None]], *, what: str) -> None:
        self.what = what
        self._work = work
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(
                keep_running(self._work, what=self.what), name=self.what
            )

    @property
    def running(self) -> bool:
        """Started, not stopped, and its task has not ended (for `/health`)."""
        return self._task is not None and not self._task.done()

    @property
    def ended(self) -> bool:
        """Started and its task has ended (it never should while the process lives)."""
        return self._task is not None and self._task.done()

    async def stop(self) -> None:
        """Cancel the task and wait for it to end; a loop never started is left as it is."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def wait_until_set(event: asyncio.Event, seconds: float) -> bool:
    """Wait until `event` is set or `seconds` have passed; True if it was set.

    A loop's sleep that something may cut short.  Unlike `asyncio.wait_for` on
    Python 3.11, a cancellation that comes as the event is set is raised, not
    swallowed, so a loop woken as it is stopped still stops (with `wait_for`,
    `Loop.stop` waited for such a loop for ever)."""
    try:
        async with asyncio.timeout(seconds):
            await event.wait()
    except TimeoutError:
        return False
    return True
