"""Calls to Telegram that honour its flood control: a 429 says how long to wait
(`retry_after`), and the call is made again after that wait."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiogram.exceptions import TelegramRetryAfter

T = TypeVar("T")
ATTEMPTS = 5


async def patiently(call: Callable[[], Awaitable[T]], attempts: int = ATTEMPTS) -> T:
    """`call()`, made again after each `retry_after` Telegram asks for (up to
    `attempts` times in all; the last 429 is raised)."""
    for _ in range(attempts - 1):
        try:
            return await call()
        except TelegramRetryAfter as error:
            await asyncio.sleep(error.retry_after)
    return await call()
