"""What a simulator was asked and what it answered: the call log and per-account stats."""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass
from typing import Any

from .ratelimit import SlidingLog

DEFAULT_CAPACITY = 200_000
STATS_WINDOW = 1.0


class Recorder:
    """The last `capacity` calls, numbered from 1 in the order they were answered."""

    def __init__(self, platform: str, capacity: int = DEFAULT_CAPACITY) -> None:
        self.platform = platform
        self._calls: deque[dict[str, Any]] = deque(maxlen=capacity)
        self._seq = 0

    def record(
        self,
        *,
        at: float,
        account: str,
        method: str,
        recipient: str | None,
        params: dict[str, Any],
        status: int,
        response: Any,
    ) -> None:
        self._seq += 1
        self._calls.append(
            {
                "seq": self._seq,
                "at": at,
                "platform": self.platform,
                "account": account,
                "method": method,
                "recipient": recipient,
                "params": params,
                "status": status,
                "response": response,
            }
        )

    def query(
        self,
        since: int = 0,
        method: str | None = None,
        account: str | None = None,
        recipient: str | None = None,
    ) -> list[dict[str, Any]]:
        """Calls with seq > since, optionally only one method, account or recipient."""
        start = 0
        if self._calls:
            start = min(max(since - self._calls[0]["seq"] + 1, 0), len(self._calls))
        return [
            call
            for call in itertools.islice(self._calls, start, None)
            if (method is None or call["method"] == method)
            and (account is None or call["account"] == account)
            and (recipient is None or call["recipient"] == recipient)
        ]

    def clear(self) -> None:
        self._calls.clear()
        self._seq = 0


@dataclass(slots=True)
class AccountStats:
    calls: int = 0
    successes: int = 0
    max_in_any_1s_window: int = 0
    """Successful sends in the busiest 1-second window."""
    max_calls_in_any_1s_window: int = 0
    """Send requests in the busiest 1-second window, refused ones included: what a
    client asked, whatever the simulator's own limits let through."""
    rate_limited: int = 0
    """Send requests answered 429 Too Many Requests."""
    first_at: float | None = None
    last_at: float | None = None
    policy_violations: int = 0


class Stats:
    """Per-account counters; the busiest 1-second windows of successful sends and
    of all send requests."""

    def __init__(self) -> None:
        self._accounts: dict[str, AccountStats] = {}
        self._sends = SlidingLog()
        self._send_calls = SlidingLog()

    def _account(self, account: str) -> AccountStats:
        stats = self._accounts.get(account)
        if stats is None:
            stats = self._accounts[account] = AccountStats()
        return stats

    def on_call(self, account: str, at: float, *, success: bool) -> None:
        stats = self._account(account)
        stats.calls += 1
        stats.successes += success
        if stats.first_at is None:
            stats.first_at = at
        stats.last_at = at

    def on_send_call(self, account: str, at: float, *, rate_limited: bool) -> None:
        in_window = self._send_calls.add(account, at, STATS_WINDOW)
        stats = self._account(account)
        stats.max_calls_in_any_1s_window = max(stats.max_calls_in_any_1s_window, in_window)
        stats.rate_limited += rate_limited

    def on_send(self, account: str, now: float) -> None:
        in_window = self._sends.add(account, now, STATS_WINDOW)
        stats = self._account(account)
        stats.max_in_any_1s_window = max(stats.max_in_any_1s_window, in_window)

    def on_policy_violation(self, account: str) -> None:
        self._account(account).policy_violations += 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "accounts": {
                account: {
                    "calls": s.calls,
                    "successes": s.successes,
                    "max_in_any_1s_window": s.max_in_any_1s_window,
                    "max_calls_in_any_1s_window": s.max_calls_in_any_1s_window,
                    "rate_limited": s.rate_limited,
                    "first_at": s.first_at,
                    "last_at": s.last_at,
                    "policy_violations": s.policy_violations,
                }
                for account, s in self._accounts.items()
            }
        }

    def clear(self) -> None:
        self._accounts.clear()
        self._sends.clear()
        self._send_calls.clear()
