"""What a dispatcher service plugs in: its platform client and its policies."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from contracts.dispatch import DispatchJob

from .model import ConnectionConfig, Decision, SendOutcome


class PlatformClient(Protocol):
    """Sends one message of one connection through the platform's API.

    A message may take several calls (`parts`: an Instagram attachment and its
    caption); each is paced and checked like a message of its own, and `send`
    makes the call for one part."""

    def parts(self, job: DispatchJob) -> int: ...

    async def send(self, job: DispatchJob, external_id: str, part: int = 0) -> SendOutcome: ...

    async def close(self) -> None: ...


ClientFactory = Callable[[ConnectionConfig], PlatformClient]
Clock = Callable[[], datetime]
"""The time of day the policies and outcomes go by (tests pass one of their own)."""


class Policy(Protocol):
    """A rule checked before any call to the platform: None lets the message go, a
    `Skip` forbids it for good, a `Defer` holds it until a later time."""

    async def check(
        self, job: DispatchJob, connection: ConnectionConfig, now: datetime
    ) -> Decision | None: ...

    async def sent(self, job: DispatchJob, connection: ConnectionConfig, now: datetime) -> None:
        """Told after each message the platform accepted (for counting rules)."""
        ...
