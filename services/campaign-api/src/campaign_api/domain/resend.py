"""Resending a finished campaign: which failures a resend picks, and what it becomes.

Each recipient's first delivery that did not reach them (in step order) says why
the chain stopped there; its *failure class* decides whether the recipient is
resent, from that step on (the steps before it reached them and are not sent
again).  By default a resend picks `transient` failures (a 5xx, a timeout or a
broken connection, retried until the attempts ran out) and `unknown` outcomes
(a dispatcher stopped mid-send); the request adds other classes (`include`) or
exact error codes (`include_codes`).  The classes read the codes the dispatchers
report (see the platform clients); a code no rule names is `other`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, get_args

from contracts.scheduling import CampaignStep

from .model import CampaignRecord, Refusal

FailureClass = Literal[
    "transient",
    "unknown",
    "blocked",
    "deactivated",
    "opted_out",
    "outside_window",
    "connection",
    "monthly_limit",
    "other",
]
FAILURE_CLASSES: tuple[FailureClass, ...] = get_args(FailureClass)
DEFAULT_CLASSES: frozenset[FailureClass] = frozenset({"transient", "unknown"})
CLASS_MEANINGS: dict[FailureClass, str] = {
    "transient": "the platform failed (5xx, timeout, network) on every attempt: may pass",
    "unknown": "a dispatcher stopped mid-send: the platform may or may not have it",
    "blocked": "the person blocked the sender, removed it from the chat, or refuses it",
    "deactivated": "the person's account is deleted, deactivated or cannot be found",
    "opted_out": "the person opted out (STOP); still opted-out people are never sent to",
    "outside_window": "the person had not written within the reply window",
    "connection": "the connection was paused or removed, or the platform refused its "
    "credentials: resend once it works again",
    "monthly_limit": "the tenant's monthly limit was reached",
    "other": "the platform refused the message itself (its content, its length)",
}

GAVE_UP = re.compile(r"\(gave up after \d+ attempts\)$")
"""How the dispatchers end the reason of a failure they retried until the attempts
ran out (dispatch-core's sender)."""
TRANSIENT_CODES = frozenset(
    {"5xx", "network", "timeout", "409", "420", "1", "2", "131000", "131016"}
)
CONNECTION_CODES = frozenset(
    {"connection.paused", "connection.removed", "401", "190", "368", "131048", "PEER_FLOOD"}
)
BLOCKED_CODES = frozenset({"551", "USER_IS_BLOCKED", "USER_PRIVACY_RESTRICTED"})
DEACTIVATED_CODES = frozenset(
    {"131026", "INPUT_USER_DEACTIVATED", "PEER_ID_INVALID", "PEER_UNKNOWN"}
)
OUTSIDE_WINDOW_CODES = frozenset({"policy.reply_window", "131047", "10/2018278"})
OPTED_OUT_CODES = frozenset({"policy.opted_out", "131050"})
FOLLOWS_CODE = "chain.previous_step"
"""A later step skipped because an earlier one failed: the earlier one says why."""


@dataclass(frozen=True)
class FailureGroup:
    """Recipients whose chain stopped at `step_no` the same way, and how many."""

    step_no: int
    status: str
    error_code: str | None
    error_reason: str | None
    count: int


def _telegram_403(reason: str) -> FailureClass:
    text = reason.lower()
    return "deactivated" if "deactivated" in text else "blocked"


def failure_class(status: str, code: str | None, reason: str | None) -> FailureClass | None:
    """Why a delivery did not reach its recipient, as a resend asks it; None for a
    delivery that is no failure of its own (sent, cancelled, an abandoned chain step)."""
    code = code or ""
    if status == "unknown":
        return "unknown"
    if status not in ("failed", "skipped") or code == FOLLOWS_CODE:
        return None
    if code in OPTED_OUT_CODES:
        return "opted_out"
    if code in OUTSIDE_WINDOW_CODES:
        return "outside_window"
    if code == "quota.monthly_limit":
        return "monthly_limit"
    if code in CONNECTION_CODES or "the connection is paused until" in (reason or ""):
        return "connection"
    if code in TRANSIENT_CODES or GAVE_UP.search(reason or ""):
        return "transient"
    if code == "403":
        return _telegram_403(reason or "")
    if code in BLOCKED_CODES:
        return "blocked"
    if code in DEACTIVATED_CODES or (code == "400" and "chat not found" in (reason or "")):
        return "deactivated"
    return "other"


@dataclass(frozen=True)
class ResendChoice:
    """What a resend asks for beyond the default classes."""

    include: frozenset[FailureClass] = frozenset()
    include_codes: frozenset[str] = frozenset()

    def picks(self, group: FailureGroup) -> bool:
        found = failure_class(group.status, group.error_code, group.error_reason)
        if found is None:
            return False
        return (
            found in DEFAULT_CLASSES
            or found in self.include
            or (group.error_code or "") in self.include_codes
        )


@dataclass(frozen=True)
class Selection:
    """The failure groups a resend takes, and how many recipients of each class it
    takes and leaves."""

    picked: list[FailureGroup]
    picked_by_class: Counter[str] = field(default_factory=Counter)
    left_by_class: Counter[str] = field(default_factory=Counter)

    @property
    def recipients(self) -> int:
        return sum(group.count for group in self.picked)


def select(groups: Iterable[FailureGroup], choice: ResendChoice) -> Selection:
    """The groups `choice` resends (None-class groups are never counted)."""
    picked: list[FailureGroup] = []
    picked_by: Counter[str] = Counter()
    left_by: Counter[str] = Counter()
    for group in groups:
        found = failure_class(group.status, group.error_code, group.error_reason)
        if found is None:
            continue
        if choice.picks(group):
            picked.append(group)
            picked_by[found] += group.count
        else:
            left_by[found] += group.count
    return Selection(picked=picked, picked_by_class=picked_by, left_by_class=left_by)


def check_resendable(record: CampaignRecord) -> None:
    """Only a campaign whose outcomes are final is resent: a completed or cancelled one."""
    if record.status in ("completed", "cancelled"):
        return
    raise Refusal(
        f"campaign {record.id} is {record.status}: its failures are final only once it has "
        "completed or was cancelled; resend it then",
        "not_finished",
        status=409,
    )


def steps_from(steps: Sequence[CampaignStep], first: int) -> tuple[CampaignStep, ...]:
    """The chain from step `first` on, numbered from 1; its first step goes at the
    recipient's turn (no delay), a step's own date and time still holds."""
    tail = [s for s in steps if s.step_no >= first]
    return tuple(
        step.model_copy(update={"step_no": n, "delay_seconds": 0 if n == 1 else step.delay_seconds})
        for n, step in enumerate(tail, start=1)
    )


def resend_name(original: str, asked: str | None, first_step: int, step_count: int) -> str:
    """The name asked for, else `<original> (resend)`; a chain resent part way says
    from which step."""
    name = (asked or "").strip() or f"{original} (resend)"
    if first_step > 1:
        name = f"{name}, from step {first_step} of {step_count}"
    return name[:200]


def nothing_to_resend(record: CampaignRecord, selection: Selection) -> str:
    """The answer when a resend picks nobody: what the failures were, and how to add them."""
    if not selection.left_by_class:
        return (
            f"nobody to resend to: no delivery of campaign {record.id} failed or has an "
            "unknown outcome"
        )
    left = ", ".join(f"{n} {cls}" for cls, n in sorted(selection.left_by_class.items()))
    return (
        f"nobody to resend to: no delivery of campaign {record.id} failed in a way that may "
        f"pass or has an unknown outcome; left out: {left} (add their classes to `include` "
        "to resend them)"
    )
