"""`python -m platform_sim` as the demo runs it: a process printing one JSON line per server."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import sys
from typing import Any

import aiohttp
import pytest
from platform_sim import SimControl

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def start(*args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "platform_sim",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def read_lines(process: asyncio.subprocess.Process, count: int) -> list[dict[str, Any]]:
    assert process.stdout is not None
    lines = []
    for _ in range(count):
        line = await asyncio.wait_for(process.stdout.readline(), timeout=20)
        assert line, "the simulator exited before announcing its servers"
        lines.append(json.loads(line))
    return lines


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_serves_until_signalled(signum: signal.Signals) -> None:
    telegram_port, openai_port = free_port(), free_port()
    process = await start(
        "--telegram-port",
        str(telegram_port),
        "--openai-port",
        str(openai_port),
        "--telegram-rate",
        "none",
        "--latency-ms",
        "1",
    )
    try:
        telegram, openai = await read_lines(process, 2)
        assert telegram == {
            "platform": "telegram",
            "host": "127.0.0.1",
            "port": telegram_port,
            "base_url": f"http://127.0.0.1:{telegram_port}",
            "control_url": f"http://127.0.0.1:{telegram_port}/_sim",
        }
        assert openai["base_url"] == f"http://127.0.0.1:{openai_port}/v1"
        async with aiohttp.ClientSession() as session:
            url = f"{telegram['base_url']}/bot{TOKEN}/sendMessage"
            async with session.post(url, json={"chat_id": 1, "text": "hi"}) as response:
                assert response.status == 200
        async with SimControl(telegram["base_url"]) as control:
            config = await control.config()
            assert (config["rate_per_second"], config["latency_ms"]) == (None, 1.0)
            assert len(await control.calls()) == 1
    finally:
        process.send_signal(signum)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode == 0, stderr.decode()


async def test_refuses_to_start_nothing() -> None:
    process = await start()
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode == 2
    assert b"at least one" in stderr
