"""`python -m platform_sim --telegram-port 9000 ...`: serve simulators until SIGTERM or SIGINT.

Prints one JSON line per started server: platform, host, port, base_url, control_url."""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from collections.abc import Sequence
from typing import Any

from .server import PLATFORMS, RunningServer, split_config, start_server


def _rate(text: str) -> float | None:
    """A rate per second, or none/null/off to disable the limit."""
    if text.lower() in ("none", "null", "off"):
        return None
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be positive (or none)")
    return value


def _whole_rate(text: str) -> int | None:
    value = _rate(text)
    if value is not None and value != int(value):
        raise argparse.ArgumentTypeError("must be a whole number (or none)")
    return None if value is None else int(value)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m platform_sim",
        description="Local simulators of the Telegram Bot API, WhatsApp Cloud API, Instagram "
        "Messaging API and OpenAI chat completions. A port omitted or 0 skips that platform.",
    )
    for name in PLATFORMS:
        parser.add_argument(f"--{name}-port", type=int, default=0, metavar="PORT")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every answer")
    parser.add_argument(
        "--jitter-ms", type=float, default=0.0, help="uniform extra latency, 0..this"
    )
    parser.add_argument(
        "--telegram-rate",
        type=_whole_rate,
        default=30,
        metavar="N|none",
        help="messages per second per bot (default 30)",
    )
    parser.add_argument(
        "--telegram-paid-rate",
        type=_whole_rate,
        default=1000,
        metavar="N|none",
        help="messages per second per bot with allow_paid_broadcast (default 1000)",
    )
    parser.add_argument(
        "--telegram-chat-rate",
        type=_rate,
        default=1.0,
        metavar="R|none",
        help="messages per second per chat (default 1)",
    )
    args = parser.parse_args(argv)
    if not any(getattr(args, f"{name}_port") for name in PLATFORMS):
        parser.error("give at least one --<platform>-port")
    return args


async def serve(args: argparse.Namespace) -> None:
    chosen = [name for name in PLATFORMS if getattr(args, f"{name}_port")]
    shares = split_config(chosen, {"latency_ms": args.latency_ms, "jitter_ms": args.jitter_ms})
    if "telegram" in shares:
        shares["telegram"] |= {
            "rate_per_second": args.telegram_rate,
            "paid_rate_per_second": args.telegram_paid_rate,
            "per_recipient_per_second": args.telegram_chat_rate,
        }
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    servers: list[RunningServer] = []
    try:
        for name in chosen:
            port = getattr(args, f"{name}_port")
            server = await start_server(name, args.host, port, shares[name])
            servers.append(server)
            _print(server.describe())
        await stop.wait()
    finally:
        for server in servers:
            await server.close()


def _print(line: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    # uvloop where it exists: the simulator stands in for a platform on another
    # machine, so the less CPU it takes from the system under test, the better
    try:
        import uvloop
    except ImportError:
        asyncio.run(serve(args))
    else:
        uvloop.run(serve(args))


if __name__ == "__main__":
    main()
