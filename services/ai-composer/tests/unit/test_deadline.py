"""A delivery's deadline: counted from its first request to the model."""

from __future__ import annotations

import math

from ai_composer.domain.model import Deadline


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_deadline_runs_from_the_first_request_only() -> None:
    clock = Clock()
    deadline = Deadline(5.0, clock)
    clock.now += 60  # waiting for a free slot does not count
    assert deadline.remaining() == math.inf
    assert not deadline.passed
    deadline.start()
    clock.now += 3
    deadline.start()  # a later request does not restart it
    assert deadline.remaining() == 2.0
    clock.now += 2
    assert deadline.passed
