"""What a text is written from, what comes back, and how writing can fail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from uuid import UUID

from contracts.audience import Recipient
from contracts.base import ConnectionChannel
from contracts.dispatch import Composition, FallbackReason

FailureReason = Literal["timeout", "error", "refusal"]
"""Why a backend gave no draft (a fallback may also be for drafts that all failed the checks)."""


@dataclass(frozen=True)
class Rejection:
    """An earlier draft for the same delivery, and why it could not be used."""

    draft: str
    problem: str


@dataclass(frozen=True)
class Brief:
    """One text to write: the campaign's prompt, one recipient, the channel.

    `prompt` and `fallback_text` have the recipient's personal fields filled;
    the built-in writer words its message around the fallback text when it
    cannot read the prompt.  `attempt` counts from 1; `rejected` holds the drafts
    already refused, so the next one is written knowing why."""

    campaign_id: UUID
    recipient_no: int
    step_no: int
    prompt: str
    channel: ConnectionChannel
    recipient: Recipient
    attempt: int = 1
    rejected: tuple[Rejection, ...] = ()
    fallback_text: str = ""


@dataclass(frozen=True)
class Draft:
    """A backend's answer; `truncated` when the model stopped at its token budget."""

    text: str
    truncated: bool = False


@dataclass(frozen=True)
class Composed:
    """The text a delivery is sent with, and where it came from."""

    campaign_id: UUID
    recipient_no: int
    step_no: int
    text: str
    composition: Composition
    attempts: int
    fallback_reason: FallbackReason | None = None
    """Why the fallback text was used, for composition `ai_fallback`."""


class GenerationFailed(Exception):
    """The backend gave no usable answer: timed out, failed, or refused."""

    def __init__(self, reason: FailureReason, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason: FailureReason = reason
        self.detail = detail
