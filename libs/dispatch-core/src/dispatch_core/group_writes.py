"""Writes that many tasks need, made together: while one statement runs, the
next ones gather, and go in one statement as soon as it is done.

A quiet connection writes each claim or outcome at once; a busy one writes one
statement per database round trip, however many messages that round trip
covers, so the database's cost per message falls as the rate rises.
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
    ) -> None:
        self._write = write
        self._what = what
        self._most = most
        self._abandoned = abandoned
        self._written = written
        """Told how many items each statement wrote."""
        self._waiting: list[tuple[T, asyncio.Future[R]]] = []
        self._writer: asyncio.Task[None] | None = None

    def enqueue(self, item: T) -> asyncio.Future[R]:
        """Queue `item` for the next write; items are written in the order queued
        (an item is never written after one queued later)."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._drain(), name=f"write {self._what}")
        return future

    async def submit(self, item: T) -> R:
        return await self.enqueue(item)

    async def _drain(self) -> None:
        while self._waiting:
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
