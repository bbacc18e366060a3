"""What the Telegram simulator received (its `/_sim/` control API): the record
a scenario's figures are checked against."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import httpx
from control import TELEGRAM_SIM


def reset() -> None:
    """Forget every call and counter (the start-up config stays)."""
    httpx.post(f"{TELEGRAM_SIM}/_sim/reset", timeout=30).raise_for_status()


def successes(accounts: list[str]) -> int:
    """Messages the bots' sends the simulator accepted so far."""
    stats = httpx.get(f"{TELEGRAM_SIM}/_sim/stats", timeout=30).json()["accounts"]
    return sum(int(stats.get(a, {}).get("successes", 0)) for a in accounts)


@dataclass(frozen=True)
class Received:
    """The scenario's messages as the platform has them."""

    recipients: set[str]
    """Who got at least one message."""
    duplicates: int
    """Messages beyond the first to the same recipient from the same bot: the
    scenario sends one campaign, one step, per bot and recipient."""
    times: list[float]
    """When each accepted message arrived (unix time), in order."""


def received(accounts: list[str], marker: str | None) -> Received:
    """The bots' accepted sendMessage calls whose text holds `marker` (None: all)."""
    per_recipient: Counter[tuple[str, str]] = Counter()
    times: list[float] = []
    for bot in accounts:
        answer = httpx.get(
            f"{TELEGRAM_SIM}/_sim/calls",
            params={"method": "sendMessage", "account": bot},
            timeout=120,
        )
        answer.raise_for_status()
        for call in answer.json()["calls"]:
            if call["status"] == 200 and _has(call, marker):
                per_recipient[(bot, str(call["recipient"]))] += 1
                times.append(float(call["at"]))
    return Received(
        recipients={recipient for _, recipient in per_recipient},
        duplicates=sum(count - 1 for count in per_recipient.values()),
        times=sorted(times),
    )


def _has(call: dict[str, Any], marker: str | None) -> bool:
    return marker is None or marker in str(call["params"].get("text", ""))
