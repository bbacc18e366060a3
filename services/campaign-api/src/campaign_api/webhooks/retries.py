"""What happens to a delivery after an attempt: pure, the clock given.

Every answer but a 2xx is retried, 4xx included (as Stripe does): a receiver that
answers 404 or 401 is usually misconfigured (a path moved, a secret rotated) and
fixed within hours, while an event given up on is lost to it for good.  Waits
follow service-kit's one backoff; the last attempt is made when the event is 24
hours old (`give_up_after`), and a failure then ends it as `failed`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from service_kit.backoff import Backoff

Status = Literal["pending", "delivered", "failed"]


@dataclass(frozen=True)
class Attempted:
    """One attempt's outcome: the HTTP status (None: no answer) and what went wrong."""

    status_code: int | None
    error: str | None

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class Next:
    status: Status
    next_attempt_at: datetime | None
    """When to try again (status pending)."""


@dataclass(frozen=True)
class RetryPolicy:
    backoff: Backoff
    give_up_after: timedelta

    def after(
        self, outcome: Attempted, *, attempts: int, created_at: datetime, now: datetime
    ) -> Next:
        """What follows the `attempts`-th attempt (1: the first) of a delivery made
        at `created_at`, which ended `now` with `outcome`."""
        if outcome.succeeded:
            return Next("delivered", None)
        deadline = created_at + self.give_up_after
        if now >= deadline:
            return Next("failed", None)
        wait = timedelta(seconds=self.backoff.delay(attempts))
        return Next("pending", min(now + wait, deadline))
