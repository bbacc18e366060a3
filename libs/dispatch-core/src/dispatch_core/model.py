"""A connection as a dispatcher holds it, and what sending a message can lead to."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from contracts.base import ConnectionChannel

from .limits import Limits


@dataclass(frozen=True)
class ConnectionConfig:
    tenant_id: str
    connection_id: str
    channel: ConnectionChannel
    limits: Limits
    first_used_at: datetime | None
    updated_at: datetime
    credentials: dict[str, str] = field(repr=False, default_factory=dict)
    deleted: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.tenant_id, self.connection_id)


@dataclass(frozen=True)
class Sent:
    platform_message_id: str
    text: str | None = None
    """The text as the platform was given it, when the client changed the job's (a
    hint appended); None: the job's own (`results.sent_text`)."""


@dataclass(frozen=True)
class Failed:
    """The platform refused this message for good (blocked, not found, ...)."""

    code: str
    reason: str


@dataclass(frozen=True)
class Retry:
    """A failure that may pass (5xx, timeout, connection reset): try again later."""

    code: str
    reason: str


@dataclass(frozen=True)
class RateLimited:
    """The platform asked to slow down: the whole connection waits, then resends."""

    retry_after: float
    code: str
    reason: str


@dataclass(frozen=True)
class ConnectionBlocked:
    """The account itself is restricted (spam, policy, bad credentials): the
    connection pauses for `pause_seconds` and says so; nothing is sent meanwhile.
    `credentials`: the platform refused the credentials themselves, so new ones,
    or a successful check of these (`connection.checked.v1`), lift the pause."""

    code: str
    reason: str
    pause_seconds: float
    credentials: bool = False


@dataclass(frozen=True)
class Redirect:
    """Send to another chat id instead (a group upgraded to a supergroup)."""

    external_id: str


SendOutcome = Sent | Failed | Retry | RateLimited | ConnectionBlocked | Redirect


@dataclass(frozen=True)
class Skip:
    """A policy forbids this message for good: it is recorded skipped, never sent."""

    rule: str
    reason: str


@dataclass(frozen=True)
class Defer:
    """A rate forbids this message now (a daily cap): it is not attempted, and it is
    reported `deferred` until `until`, when the scheduler releases it again."""

    rule: str
    reason: str
    until: datetime


Decision = Skip | Defer
"""What a policy may say against a message."""


@dataclass(frozen=True)
class InboundContact:
    """What a person did in their dialog with a connection, as `message.inbound.v1`
    told: when they last wrote, and when they replied STOP (None: never, or they
    have replied START since)."""

    last_inbound_at: datetime
    opted_out_at: datetime | None
