"""A simulator's tunable behaviour: the keys `/_sim/config` reads and merges."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

COMMON_KEYS = frozenset(
    {
        "latency_ms",
        "jitter_ms",
        "rate_per_second",
        "per_recipient_per_second",
        "error_rate_5xx",
        "retry_after_seconds",
    }
)


@dataclass(frozen=True, slots=True)
class SimConfig:
    """Every key any platform understands; each platform exposes only its own subset."""

    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    rate_per_second: int | None = None
    per_recipient_per_second: float | None = None
    error_rate_5xx: float = 0.0
    retry_after_seconds: int = 1
    # Telegram
    valid_tokens: tuple[str, ...] | None = None
    migrate_to: int | None = None
    paid_rate_per_second: int | None = None
    """Messages per second per bot with `allow_paid_broadcast` (Bot API 7.11)."""
    # WhatsApp and Instagram
    enforce_window: bool = True
    media_rate_per_second: int | None = None
    # OpenAI
    api_key: str | None = None
    model: str = "gpt-4o-mini"
    reply: str | None = None
    refuse: bool = False

    def merged(self, updates: Mapping[str, Any], allowed: frozenset[str]) -> SimConfig:
        """A copy with `updates` applied; ValueError names the first bad key or value."""
        changes: dict[str, Any] = {}
        for key, value in updates.items():
            if key not in allowed:
                raise ValueError(f"unknown config key {key!r}; known: {sorted(allowed)}")
            try:
                changes[key] = _PARSERS[key](value)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"bad value for {key!r}: {exc}") from exc
        return dataclasses.replace(self, **changes)

    def as_dict(self, allowed: frozenset[str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in sorted(allowed):
            value = getattr(self, key)
            out[key] = list(value) if isinstance(value, tuple) else value
        return out


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise TypeError(f"expected a number, got {value!r}")
    if value < 0:
        raise ValueError("must not be negative")
    return float(value)


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TypeError(f"expected a non-negative integer, got {value!r}")
    return value


def _optional(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else parse(value)


def _positive(value: Any) -> float:
    number = _number(value)
    if number == 0:
        raise ValueError("must be positive (use null to disable)")
    return number


def _positive_count(value: Any) -> int:
    count = _count(value)
    if count == 0:
        raise ValueError("must be positive (use null to disable)")
    return count


def _probability(value: Any) -> float:
    number = _number(value)
    if number > 1:
        raise ValueError("must be between 0 and 1")
    return number


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {value!r}")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {value!r}")
    return value


def _texts(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        raise TypeError(f"expected a list of strings, got {value!r}")
    return tuple(_text(item) for item in value)


def _chat_id(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected an integer chat id, got {value!r}")
    return value


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "latency_ms": _number,
    "jitter_ms": _number,
    "rate_per_second": _optional(_positive_count),
    "per_recipient_per_second": _optional(_positive),
    "error_rate_5xx": _probability,
    "retry_after_seconds": _count,
    "valid_tokens": _optional(_texts),
    "migrate_to": _optional(_chat_id),
    "paid_rate_per_second": _optional(_positive_count),
    "enforce_window": _flag,
    "media_rate_per_second": _optional(_positive_count),
    "api_key": _optional(_text),
    "model": _text,
    "reply": _optional(_text),
    "refuse": _flag,
}
