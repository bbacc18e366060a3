"""The `/_sim/*` control API, exercised through the Telegram simulator."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from platform_sim import RunningSimulators, SimControl, SimControlError
from platform_sim.control import SIMULATOR
from platform_sim.server import RunningServer, start_server

Answer = tuple[int, Any, Mapping[str, str]]
Http = Callable[..., Awaitable[Answer]]
Send = Callable[..., Awaitable[Answer]]
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"
OTHER_TOKEN = "555:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"


@pytest.fixture
def send(sims: RunningSimulators, http: Http, telegram: SimControl) -> Send:
    base = sims.base_url("telegram")

    async def call(
        chat_id: int, text: str = "hi", token: str = TOKEN, method: str = "sendMessage"
    ) -> Answer:
        return await http(
            "POST", f"{base}/bot{token}/{method}", json={"chat_id": chat_id, "text": text}
        )

    return call


async def test_calls_filter_by_since_method_and_account(send: Send, telegram: SimControl) -> None:
    await send(1)
    await send(2, token=OTHER_TOKEN)
    await send(3, method="getMe")
    calls = await telegram.calls()
    assert [call["seq"] for call in calls] == [1, 2, 3]
    assert [call["seq"] for call in await telegram.calls(since=1)] == [2, 3]
    assert [call["seq"] for call in await telegram.calls(since=3)] == []
    assert [call["seq"] for call in await telegram.calls(method="sendMessage")] == [1, 2]
    assert [call["seq"] for call in await telegram.calls(account="555")] == [2]
    assert calls[0]["platform"] == "telegram"
    assert calls[0]["at"] == pytest.approx(time.time(), abs=5)


async def test_errors_are_recorded(send: Send, telegram: SimControl) -> None:
    await telegram.set_recipient(4, "blocked")
    await send(4)
    [call] = await telegram.calls()
    assert call["status"] == 403
    assert call["response"]["description"] == "Forbidden: bot was blocked by the user"


async def test_reset_restores_start_up_state(send: Send, telegram: SimControl) -> None:
    original = await telegram.config()
    await telegram.configure(latency_ms=1, rate_per_second=None)
    await telegram.set_recipient(5, "blocked")
    await telegram.set_account("123456789", "unauthorized")
    await telegram.add_fault(kind="server_error")
    await send(5)
    await telegram.reset()
    assert await telegram.config() == original
    assert await telegram.calls() == []
    assert await telegram.stats() == {"accounts": {}}
    status, _, _ = await send(5)
    assert status == 200


async def test_config_shows_the_platform_keys(telegram: SimControl) -> None:
    config = await telegram.config()
    assert config["rate_per_second"] == 30
    assert config["per_recipient_per_second"] == 1.0
    assert config["retry_after_seconds"] == 1
    assert config["valid_tokens"] is None
    assert "api_key" not in config
    merged = await telegram.configure(valid_tokens=[TOKEN])
    assert merged["valid_tokens"] == [TOKEN]
    assert merged["rate_per_second"] == 30


@pytest.mark.parametrize(
    "config",
    [{"api_key": "x"}, {"error_rate_5xx": 2}, {"latency_ms": -1}, {"rate_per_second": "many"}],
)
async def test_bad_config_is_refused(telegram: SimControl, config: dict[str, Any]) -> None:
    with pytest.raises(SimControlError, match="400"):
        await telegram.configure(**config)


async def test_bad_states_are_refused(telegram: SimControl) -> None:
    with pytest.raises(SimControlError, match="state must be one of"):
        await telegram.set_recipient(1, "sleepy")
    with pytest.raises(SimControlError, match="state must be one of"):
        await telegram.set_account("1", "peer_flood")
    with pytest.raises(SimControlError, match="kind"):
        await telegram.add_fault(kind="explode")


async def test_faults_are_consumed_in_order(send: Send, telegram: SimControl) -> None:
    await telegram.add_fault(kind="error", status=400, description="Bad Request: first")
    await telegram.add_fault(kind="server_error", times=2)
    answers = [await send(10 + n) for n in range(4)]
    assert [status for status, _, _ in answers] == [400, 500, 500, 200]
    assert answers[0][1]["description"] == "Bad Request: first"
    assert answers[1][1] == {"ok": False, "error_code": 500, "description": "Internal Server Error"}


async def test_faults_match_method_recipient_and_account(send: Send, telegram: SimControl) -> None:
    await telegram.add_fault(kind="server_error", recipient="21")
    await telegram.add_fault(kind="server_error", method="sendphoto")
    await telegram.add_fault(kind="server_error", account="555")
    assert (await send(20))[0] == 200
    assert (await send(21))[0] == 500
    assert (await send(21))[0] == 200
    assert (await send(22, token=OTHER_TOKEN))[0] == 500
    assert (await send(23, method="SENDPHOTO"))[0] == 500


async def test_retry_after_fault(send: Send, telegram: SimControl) -> None:
    await telegram.add_fault(kind="retry_after", retry_after=9)
    status, body, headers = await send(30)
    assert (status, body["parameters"], headers["Retry-After"]) == (429, {"retry_after": 9}, "9")


async def test_timeout_fault_holds_the_request(
    sims: RunningSimulators, telegram: SimControl
) -> None:
    await telegram.add_fault(kind="timeout", method="sendMessage")
    url = f"{sims.base_url('telegram')}/bot{TOKEN}/sendMessage"
    started = time.monotonic()
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=0.3)) as session:
        with pytest.raises(asyncio.TimeoutError):
            await session.post(url, json={"chat_id": 40, "text": "hi"})
    assert time.monotonic() - started < 5
    [call] = await telegram.calls()
    assert (call["status"], call["response"]) == (0, None)


async def test_random_server_errors(send: Send, telegram: SimControl) -> None:
    await telegram.configure(error_rate_5xx=1.0)
    assert (await send(50))[0] == 500
    await telegram.configure(error_rate_5xx=0.0)
    assert (await send(51))[0] == 200


async def test_latency_is_added(send: Send, telegram: SimControl) -> None:
    await telegram.configure(latency_ms=60, jitter_ms=20)
    started = time.monotonic()
    await send(60)
    assert time.monotonic() - started >= 0.06


async def test_stats(send: Send, telegram: SimControl) -> None:
    await send(70)
    await send(71)
    await send(71)  # refused by the per-chat limit
    await send(72, token=OTHER_TOKEN)
    stats = (await telegram.stats())["accounts"]
    mine = stats["123456789"]
    assert (mine["calls"], mine["successes"], mine["max_in_any_1s_window"]) == (3, 2, 2)
    assert mine["first_at"] <= mine["last_at"]
    assert mine["policy_violations"] == 0
    assert stats["555"]["successes"] == 1


@pytest.fixture
async def clocked_telegram() -> AsyncIterator[tuple[RunningServer, list[float]]]:
    """A Telegram simulator of its own whose clock the test sets."""
    now = [1000.0]
    server = await start_server("telegram", config={"per_recipient_per_second": None})
    server.runner.app[SIMULATOR].clock = lambda: now[0]
    yield server, now
    await server.close()


async def test_rate_limit_slides(
    clocked_telegram: tuple[RunningServer, list[float]], http: Http
) -> None:
    server, now = clocked_telegram
    url = f"{server.base_url}/bot{TOKEN}/sendMessage"
    async with SimControl(server.root_url) as control:
        await control.configure(rate_per_second=2)
        outcomes = []
        for at in (0.0, 0.5, 0.9, 1.0, 1.4, 1.5, 2.6):
            now[0] = 1000.0 + at
            status, _, _ = await http("POST", url, json={"chat_id": 1, "text": "hi"})
            outcomes.append((at, status))
        assert outcomes == [
            (0.0, 200),
            (0.5, 200),
            (0.9, 429),
            (1.0, 200),
            (1.4, 429),
            (1.5, 200),
            (2.6, 200),
        ]
        stats = (await control.stats())["accounts"]["123456789"]
        assert stats["max_in_any_1s_window"] == 2


async def test_a_request_the_client_gave_up_on_is_still_carried_out(
    sims: RunningSimulators, telegram: SimControl
) -> None:
    await telegram.configure(latency_ms=200)
    url = f"{sims.base_url('telegram')}/bot{TOKEN}/sendMessage"
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=0.05)) as session:
        with pytest.raises(asyncio.TimeoutError):
            await session.post(url, json={"chat_id": 41, "text": "hi"})
    deadline = time.monotonic() + 5
    while not (calls := await telegram.calls()) and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    assert [call["status"] for call in calls] == [200]


@dataclass
class SlowCall:
    """A call of an earlier test, still in the simulator's latency (400 ms) when
    the next test reset the simulator (then without latency)."""

    control: SimControl
    url: str
    answer: asyncio.Task[Answer]


@pytest.fixture
async def slow_call(http: Http) -> AsyncIterator[SlowCall]:
    server = await start_server("telegram", config={"latency_ms": 400})
    url = f"{server.base_url}/bot{TOKEN}/sendMessage"
    simulator = server.runner.app[SIMULATOR]
    arrived = asyncio.Event()

    def clock() -> float:  # the simulator reads its clock first thing on a request
        arrived.set()
        return time.time()

    simulator.clock = clock
    try:
        async with SimControl(server.root_url) as control:
            answer = asyncio.create_task(http("POST", url, json={"chat_id": 1, "text": "early"}))
            await asyncio.wait_for(arrived.wait(), 5)
            simulator.clock = time.time
            await control.reset()
            await control.configure(latency_ms=0)
            yield SlowCall(control, url, answer)
            await answer
    finally:
        await server.close()


async def test_a_call_asked_before_a_reset_is_not_logged_after_it(
    http: Http, slow_call: SlowCall
) -> None:
    assert (await slow_call.answer)[0] == 200
    status, _, _ = await http("POST", slow_call.url, json={"chat_id": 2, "text": "late"})
    assert status == 200
    calls = await slow_call.control.calls("sendMessage")
    assert [call["params"]["text"] for call in calls] == ["late"]


async def test_a_fault_is_for_requests_that_arrive_after_it_was_added(
    http: Http, slow_call: SlowCall
) -> None:
    """The earlier test's slow call leaves the next test's fault to its calls."""
    await slow_call.control.add_fault(kind="server_error", status=503)
    assert (await slow_call.answer)[0] == 200
    status, _, _ = await http("POST", slow_call.url, json={"chat_id": 2, "text": "late"})
    assert status == 503
