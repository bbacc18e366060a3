"""Failures a test arranges: scripted faults, and the states of recipients and accounts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

FaultKind = Literal["retry_after", "server_error", "timeout", "error"]
FAULT_KINDS: frozenset[str] = frozenset({"retry_after", "server_error", "timeout", "error"})
OK = "ok"


@dataclass(slots=True)
class Fault:
    """The next `times` requests matching method/recipient/account (None = any) fail as `kind`."""

    kind: FaultKind
    method: str | None = None
    recipient: str | None = None
    account: str | None = None
    times: int = 1
    retry_after: int | None = None
    status: int | None = None
    code: int | None = None
    subcode: int | None = None
    description: str | None = None

    def matches(self, method: str, recipient: str | None, account: str) -> bool:
        return (
            (self.method is None or self.method == method)
            and (self.recipient is None or self.recipient == recipient)
            and (self.account is None or self.account == account)
        )

    @classmethod
    def from_json(
        cls,
        data: Mapping[str, Any],
        canonical_method: Callable[[str], str],
        recipient_key: Callable[[str], str],
    ) -> Fault:
        """Read a `/_sim/faults` body; ValueError says what is wrong with it."""
        known = {
            "kind",
            "method",
            "recipient",
            "account",
            "times",
            "retry_after",
            "status",
            "code",
            "subcode",
            "description",
        }
        if unknown := set(data) - known:
            raise ValueError(f"unknown fault keys: {sorted(unknown)}")
        kind = data.get("kind")
        if kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {sorted(FAULT_KINDS)}")
        method = _optional_str(data, "method")
        recipient = _optional_str(data, "recipient")
        times = _optional_int(data, "times")
        if times is not None and times < 1:
            raise ValueError("times must be at least 1")
        status = _optional_int(data, "status")
        if status is not None and not 400 <= status <= 599:
            raise ValueError("status must be an HTTP error status (400..599)")
        return cls(
            kind=cast("FaultKind", kind),
            method=None if method is None else canonical_method(method),
            recipient=None if recipient is None else recipient_key(recipient),
            account=_optional_str(data, "account"),
            times=1 if times is None else times,
            retry_after=_optional_int(data, "retry_after"),
            status=status,
            code=_optional_int(data, "code"),
            subcode=_optional_int(data, "subcode"),
            description=_optional_str(data, "description"),
        )


def _optional_str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"{key} must be a string")
    return str(value)


def _optional_int(data: Mapping[str, Any], key: str) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{key} must be an integer")
    return value


class FaultQueue:
    """Faults in the order they were added; the first matching one is used up first.

    A fault is for requests that arrive after it was added: a slow request of an
    earlier test, still in the simulator's latency when the next test arranges its
    faults, does not use them up."""

    def __init__(self) -> None:
        self._faults: list[tuple[float, Fault]] = []

    def add(self, fault: Fault, at: float) -> None:
        self._faults.append((at, fault))

    def take(
        self, method: str, recipient: str | None, account: str, arrived_at: float
    ) -> Fault | None:
        if not self._faults:
            return None
        for index, (added_at, fault) in enumerate(self._faults):
            if added_at <= arrived_at and fault.matches(method, recipient, account):
                fault.times -= 1
                if fault.times == 0:
                    del self._faults[index]
                return fault
        return None

    def clear(self) -> None:
        self._faults.clear()


@dataclass(frozen=True, slots=True)
class RecipientState:
    state: str = OK
    last_inbound_at: float | None = None


UNKNOWN_RECIPIENT = RecipientState()


class Recipients:
    """Per-recipient state ("ok", "blocked", ...) and the time of their last inbound message."""

    def __init__(self) -> None:
        self._states: dict[str, RecipientState] = {}

    def set(self, recipient: str, state: str, last_inbound_at: float | None) -> None:
        if state == OK and last_inbound_at is None:
            self._states.pop(recipient, None)
        else:
            self._states[recipient] = RecipientState(state, last_inbound_at)

    def get(self, recipient: str | None) -> RecipientState:
        if recipient is None:
            return UNKNOWN_RECIPIENT
        return self._states.get(recipient, UNKNOWN_RECIPIENT)

    def clear(self) -> None:
        self._states.clear()


class Accounts:
    """Per-account state ("ok", "unauthorized", "spam_restricted", ...)."""

    def __init__(self) -> None:
        self._states: dict[str, str] = {}

    def set(self, account: str, state: str) -> None:
        if state == OK:
            self._states.pop(account, None)
        else:
            self._states[account] = state

    def get(self, account: str) -> str:
        return self._states.get(account, OK)

    def clear(self) -> None:
        self._states.clear()
