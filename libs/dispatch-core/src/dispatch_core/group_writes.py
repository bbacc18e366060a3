"""Writes that many tasks need, made together: while one statement runs, the
next ones gather, and go in one statement as soon as it is done.

A quiet connection writes each claim or outcome at once; a busy one writes one
statement per database round trip, however many messages that round trip
covers, so the database's cost per message falls as the rate rises.  Items that
may wait (`may_wait`: outcomes, which nothing waits for but their report) wait
up to `linger` seconds for one that may not (a claim, whose call waits for it),
and go in its statement: a message's outcome and the next one's claim share a
round trip, however slow the rate.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from service_kit.retry import retry_transient

T = TypeVar("T")
R = TypeVar("R")


class GroupWriter(Generic[T, R]):
    """`await submit(item)` answers `write([..., item, ...])`'s answer for it.

    `abandoned` is told of items whose submitter stopped waiting (its task was
    cancelled) after their write was made, so it can be undone."""

    def __init__(
        self,
        write: Callable[[list[T]], Awaitable[list[R]]],
        *,
        what: str,
        most: int = 500,
        abandoned: Callable[[list[tuple[T, R]]], Awaitable[None]] | None = None,
        written: Callable[[int], None] | None = None,
        may_wait: Callable[[T], bool] | None = None,
        linger: float = 0.0,
    ) -> None:
        self._write = write
        self._what = what
        self._most = most
        self._abandoned = abandoned
        self._written = written
        """Told how many items each statement wrote."""
        self._may_wait = may_wait
        self._linger = linger
        self._waiting: list[tuple[T, asyncio.Future[R]]] = []
        self._writer: asyncio.Task[None] | None = None
        self._lingering: asyncio.Future[None] | None = None
        """While the writer waits for an item that may not wait: done when one comes."""

    def enqueue(self, item: T) -> asyncio.Future[R]:
        """Queue `item` for the next write; items are written in the order queued
        (an item is never written after one queued later)."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._drain(), name=f"write {self._what}")
        elif self._lingering is not None and not self._may_wait_for(item):
            _settle(self._lingering)
        return future

    async def submit(self, item: T) -> R:
        return await self.enqueue(item)

    def _may_wait_for(self, item: T) -> bool:
        return self._may_wait is not None and self._may_wait(item)

    async def _until_one_may_not_wait(self) -> None:
        """While every item waiting may wait: until one that may not comes, for at
        most `linger` seconds."""
        if not self._linger or not all(self._may_wait_for(item) for item, _ in self._waiting):
            return
        loop = asyncio.get_running_loop()
        self._lingering = loop.create_future()
        timer = loop.call_later(self._linger, _settle, self._lingering)
        try:
            await self._lingering
        finally:
            timer.cancel()
            self._lingering = None

    async def _drain(self) -> None:
        while self._waiting:
            try:
                await self._until_one_may_not_wait()
            except asyncio.CancelledError as error:
                for _, future in self._waiting:
                    if not future.done():
                        future.set_exception(error)
                self._waiting = []
                raise
            group, self._waiting = self._waiting[: self._most], self._waiting[self._most :]
            items = [item for item, _ in group]
            try:
                answers = await retry_transient(
                    functools.partial(self._write, items), what=self._what
                )
            except BaseException as error:
                for _, future in group:
                    if not future.done():
                        future.set_exception(error)
                if isinstance(error, asyncio.CancelledError):
                    raise
                continue
            if self._written is not None:
                self._written(len(group))
            dropped = []
            for (item, future), answer in zip(group, answers, strict=True):
                if future.done():  # its submitter was cancelled meanwhile
                    dropped.append((item, answer))
                else:
                    future.set_result(answer)
            if dropped and self._abandoned is not None:
                await self._abandoned(dropped)


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
