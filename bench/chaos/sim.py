"""What the platform simulators received (their `/_sim/` control API): the
record a scenario's figures are checked against."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

import httpx
from control import SIM_URLS
from traffic import Bot


def reset() -> None:
    """Forget every call, counter and recipient state (the start-up config stays)."""
    for url in SIM_URLS.values():
        httpx.post(f"{url}/_sim/reset", timeout=30).raise_for_status()


def successes(bots: list[Bot]) -> int:
    """The bots' sends the simulators accepted so far."""
    total = 0
    for bot in bots:
        stats = httpx.get(f"{bot.sim}/_sim/stats", timeout=30).json()["accounts"]
        total += int(stats.get(bot.account, {}).get("successes", 0))
    return total


@dataclass(frozen=True)
class Received:
    """The scenario's messages as the platform has them."""

    recipients: set[str]
    """Who got at least one message."""
    duplicates: int
    """Messages beyond the first to the same recipient from the same account: a
    scenario sends one campaign of one step per account."""
    times: list[float]
    """When each accepted message arrived (unix time), in order."""


def received(bots: list[Bot], marker: str | None) -> Received:
    """The bots' accepted sends whose parameters hold `marker` (None: all)."""
    per_recipient: Counter[tuple[str, str]] = Counter()
    times: list[float] = []
    for bot in bots:
        answer = httpx.get(
            f"{bot.sim}/_sim/calls",
            params={"method": bot.method, "account": bot.account},
            timeout=120,
        )
        answer.raise_for_status()
        for call in answer.json()["calls"]:
            if call["status"] == 200 and _has(call, marker):
                per_recipient[(bot.account, str(call["recipient"]))] += 1
                times.append(float(call["at"]))
    return Received(
        recipients={recipient for _, recipient in per_recipient},
        duplicates=sum(count - 1 for count in per_recipient.values()),
        times=sorted(times),
    )


def _has(call: dict[str, Any], marker: str | None) -> bool:
    return marker is None or marker in json.dumps(call["params"], ensure_ascii=False)
