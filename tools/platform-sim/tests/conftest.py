from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

import aiohttp
import pytest
from platform_sim import RunningSimulators, SimControl, start_simulators

Answer = tuple[int, Any, Mapping[str, str]]


@pytest.fixture(scope="session")
async def sims() -> AsyncIterator[RunningSimulators]:
    running = await start_simulators()
    yield running
    await running.close()


@pytest.fixture(scope="session")
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client:
        yield client


async def _reset_control(sims: RunningSimulators, platform: str) -> AsyncIterator[SimControl]:
    async with sims.control(platform) as control:
        await control.reset()
        yield control


@pytest.fixture
async def telegram(sims: RunningSimulators) -> AsyncIterator[SimControl]:
    async for control in _reset_control(sims, "telegram"):
        yield control


@pytest.fixture
async def whatsapp(sims: RunningSimulators) -> AsyncIterator[SimControl]:
    async for control in _reset_control(sims, "whatsapp"):
        yield control


@pytest.fixture
async def instagram(sims: RunningSimulators) -> AsyncIterator[SimControl]:
    async for control in _reset_control(sims, "instagram"):
        yield control


@pytest.fixture
async def openai(sims: RunningSimulators) -> AsyncIterator[SimControl]:
    async for control in _reset_control(sims, "openai"):
        yield control


@pytest.fixture
def http(
    session: aiohttp.ClientSession,
) -> Callable[..., Awaitable[Answer]]:
    """`await http("POST", url, json=...)` -> (status, JSON body, headers)."""

    async def request(method: str, url: str, **kwargs: Any) -> Answer:
        async with session.request(method, url, **kwargs) as response:
            return response.status, await response.json(), response.headers.copy()

    return request
