"""What a text is written from, what comes back, and how writing can fail."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
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


class Deadline:
    """How long writing one delivery's text may take, from its first request to a
    model on: every draft, retry and wait between them together.  The wait for a
    free slot before that first request does not count: that is the campaign's
    queue, not this delivery's trouble."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._ends: float | None = None

    def start(self) -> None:
        """The first request goes now (later calls change nothing)."""
        if self._ends is None:
            self._ends = self._clock() + self.seconds

    def remaining(self) -> float:
        """Seconds left; infinite before the first request."""
        return math.inf if self._ends is None else self._ends - self._clock()

    @property
    def passed(self) -> bool:
        return self.remaining() <= 0


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
    deadline: Deadline | None = field(default=None, compare=False)
    """Shared by every attempt of the delivery; None: no deadline."""


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
