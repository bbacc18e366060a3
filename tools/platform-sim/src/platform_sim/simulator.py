"""The request flow every platform shares, and the interface a platform fills in.

For each API request: decode -> latency -> auth -> decode errors -> scripted fault ->
platform rules (validation, account and recipient states, 24-hour windows) -> rate limits ->
random 5xx -> success. Every request is recorded, whatever it was answered.
"""

from __future__ import annotations

import asyncio
import random
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from aiohttp import web

from .config import SimConfig
from .faults import Accounts, Fault, FaultQueue, Recipients
from .ratelimit import Limit, SlidingLog
from .recorder import Recorder, Stats
from .wire import json_answer

ControlHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]
"""A control route's handler; `request.app[control.SIMULATOR]` is the simulator."""

HOLD_SECONDS = 30.0
"""How long a `timeout` fault keeps a request unanswered."""


class SimError(Exception):
    """A non-success answer, already in the platform's shape."""

    def __init__(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers


@dataclass(slots=True)
class Incoming:
    """One API request as the simulator sees it."""

    account: str
    method: str
    params: dict[str, Any]
    recipient: str | None = None
    credential: str = ""
    is_send: bool = False
    """Whether it delivers a message (and so meets rate limits and counts in stats)."""
    error: SimError | None = None
    """An answer decided while decoding (an unreadable body, an unknown method)."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Decoded details a platform keeps for itself (uploaded files, ...)."""


@dataclass(frozen=True, slots=True)
class RateRule:
    key: Hashable
    limit: Limit
    scope: str
    """Passed back to `Platform.rate_limited` to pick the platform's error."""


class Platform(ABC):
    name: ClassVar[str]
    defaults: ClassVar[SimConfig]
    config_keys: ClassVar[frozenset[str]]
    account_states: ClassVar[frozenset[str]]
    recipient_states: ClassVar[frozenset[str]]

    @abstractmethod
    def routes(self) -> list[tuple[str, str]]:
        """(HTTP method, path pattern) pairs the simulator answers through `Simulator.handle`."""

    def canonical_method(self, name: str) -> str:
        return name

    def recipient_key(self, recipient: str) -> str:
        """How the platform identifies a recipient (WhatsApp: the digits of the number)."""
        return recipient

    @abstractmethod
    async def decode(self, request: web.Request) -> Incoming: ...

    @abstractmethod
    def authorize(self, incoming: Incoming, sim: Simulator) -> None:
        """Raise the platform's auth error for a bad credential or an unauthorized account."""

    @abstractmethod
    def check(self, incoming: Incoming, sim: Simulator, now: float) -> None:
        """Raise the platform's error for invalid input, account/recipient states, windows."""

    @abstractmethod
    def rate_rules(self, incoming: Incoming, config: SimConfig) -> list[RateRule]: ...

    @abstractmethod
    def rate_limited(self, scope: str, retry_after: int) -> SimError: ...

    @abstractmethod
    def server_error(self, status: int) -> SimError: ...

    @abstractmethod
    def scripted_error(self, fault: Fault, config: SimConfig) -> SimError:
        """The answer to a fault of kind "error"."""

    @abstractmethod
    def answer(self, incoming: Incoming, config: SimConfig, now: float) -> Any:
        """The success body."""

    async def hold(self, incoming: Incoming, sim: Simulator) -> None:  # noqa: B027
        """Keep an accepted request waiting before its answer (Telegram's long polling); may
        raise the platform's error when the wait ends badly."""

    def reset(self) -> None:  # noqa: B027 - most platforms keep no state of their own
        """Forget platform-specific state (message counters, ...)."""

    def control_routes(self) -> list[tuple[str, str, ControlHandler]]:
        """The platform's own `/_sim/<platform>/...` control routes: (method, path, handler)."""
        return []

    async def close(self) -> None:  # noqa: B027 - most platforms hold nothing open
        """Stop background work (webhook deliveries, ...) when the server stops."""


class Simulator:
    """One platform's server state: config, call log, faults, states, counters."""

    def __init__(self, platform: Platform, config: SimConfig) -> None:
        self.platform = platform
        self.startup_config = config
        self.config = config
        self.clock: Callable[[], float] = time.time
        """Unix time now; a test may swap in its own clock."""
        self._reset_at = float("-inf")
        """When `reset` last ran, by `clock`: calls asked before it are not logged."""
        self.rng = random.Random()
        self.recorder = Recorder(platform.name)
        self.stats = Stats()
        self.faults = FaultQueue()
        self.recipients = Recipients()
        self.accounts = Accounts()
        self.limits = SlidingLog()

    def configure(self, updates: Mapping[str, Any]) -> None:
        self.config = self.config.merged(updates, self.platform.config_keys)

    def reset(self) -> None:
        self.config = self.startup_config
        self._reset_at = self.clock()
        self.recorder.clear()
        self.stats.clear()
        self.faults.clear()
        self.recipients.clear()
        self.accounts.clear()
        self.limits.clear()
        self.platform.reset()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        at = self.clock()
        incoming = await self.platform.decode(request)
        config = self.config
        delay_ms = config.latency_ms + (
            self.rng.uniform(0, config.jitter_ms) if config.jitter_ms else 0.0
        )
        if delay_ms > 0:
            await asyncio.sleep(delay_ms / 1000)
        headers: Mapping[str, str] | None = None
        try:
            body = await self._answer(incoming, at)
            status = 200
        except SimError as error:
            status, body, headers = error.status, error.body, error.headers
        except _Hold:
            self._record(at, incoming, 0, None)
            await asyncio.sleep(HOLD_SECONDS)
            late = self.platform.server_error(504)
            return json_answer(late.status, late.body, late.headers)
        self._record(at, incoming, status, body)
        return json_answer(status, body, headers)

    async def _answer(self, incoming: Incoming, arrived_at: float) -> Any:
        platform, config = self.platform, self.config
        platform.authorize(incoming, self)
        if incoming.error is not None:
            raise incoming.error
        fault = self.faults.take(incoming.method, incoming.recipient, incoming.account, arrived_at)
        if fault is not None:
            raise self._fault_error(fault)
        now = self.clock()
        platform.check(incoming, self, now)
        rules = platform.rate_rules(incoming, config) if incoming.is_send else []
        for rule in rules:
            if not self.limits.allows(rule.key, now, rule.limit):
                raise platform.rate_limited(rule.scope, config.retry_after_seconds)
        if config.error_rate_5xx and self.rng.random() < config.error_rate_5xx:
            raise platform.server_error(500)
        await platform.hold(incoming, self)
        body = platform.answer(incoming, config, now)
        if incoming.is_send:
            for rule in rules:
                self.limits.add(rule.key, now, rule.limit.window)
            self.stats.on_send(incoming.account, now)
        return body

    def _fault_error(self, fault: Fault) -> Exception:
        if fault.kind == "timeout":
            return _Hold()
        if fault.kind == "retry_after":
            retry_after = self.config.retry_after_seconds
            return self.platform.rate_limited(
                "fault", retry_after if fault.retry_after is None else fault.retry_after
            )
        if fault.kind == "server_error":
            return self.platform.server_error(fault.status or 500)
        return self.platform.scripted_error(fault, self.config)

    def _record(self, at: float, incoming: Incoming, status: int, body: Any) -> None:
        """Log a call once answered, unless it was asked before the last reset: a
        call answered late (held, slow) belongs to what the reset wiped out."""
        if at < self._reset_at:
            return
        self.recorder.record(
            at=at,
            account=incoming.account,
            method=incoming.method,
            recipient=incoming.recipient,
            params=incoming.params,
            status=status,
            response=body,
        )
        self.stats.on_call(incoming.account, at, success=status == 200)
        if incoming.is_send:
            self.stats.on_send_call(incoming.account, at, rate_limited=status == 429)


class _Hold(Exception):
    """Raised inside the flow to keep the request unanswered."""
