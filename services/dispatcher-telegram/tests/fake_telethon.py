"""A stand-in for Telethon's TelegramClient: MTProto cannot be reached from the
tests (no network, and no account to sign in with), so this plays Telegram's
side — it knows some people, answers with message ids, raises the errors a test
scripts (Telethon's own exception classes), and records every call."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SentMessage:
    id: int


@dataclass
class FakeTelethon:
    known: set[int] = field(default_factory=set)
    """User ids whose peers are cached (the account talked to them this session)."""
    in_dialogs: set[int] = field(default_factory=set)
    """User ids found once the recent dialogs are read."""
    errors: list[Exception] = field(default_factory=list)
    """Raised by the next sends, in order."""
    calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = field(default_factory=list)
    sent_at: list[float] = field(default_factory=list)
    """When each send was attempted (monotonic clock)."""
    connected: bool = False
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def sends(self) -> list[tuple[str, tuple[Any, ...], dict[str, Any]]]:
        return [call for call in self.calls if call[0] in ("send_message", "send_file")]

    def is_connected(self) -> bool:
        return self.connected

    async def connect(self) -> None:
        self.calls.append(("connect", (), {}))
        self.connected = True

    async def disconnect(self) -> None:
        self.connected = False

    async def get_input_entity(self, peer: int | str) -> str:
        self.calls.append(("get_input_entity", (peer,), {}))
        if isinstance(peer, str) or peer in self.known:
            return f"peer:{peer}"
        raise ValueError(f"Could not find the input entity for PeerUser(user_id={peer})")

    async def get_dialogs(self, *, limit: int) -> list[int]:
        self.calls.append(("get_dialogs", (), {"limit": limit}))
        self.known |= self.in_dialogs
        return sorted(self.in_dialogs)

    async def send_message(self, peer: str, text: str) -> SentMessage:
        return self._send("send_message", (peer, text), {})

    async def send_file(self, peer: str, file: str, **options: Any) -> SentMessage:
        return self._send("send_file", (peer, file), options)

    def _send(self, method: str, args: tuple[Any, ...], options: dict[str, Any]) -> SentMessage:
        self.calls.append((method, args, options))
        self.sent_at.append(time.monotonic())
        if self.errors:
            raise self.errors.pop(0)
        return SentMessage(next(self._ids))
