"""Sample texts for a dry run: a few real recipients' texts written exactly as a
campaign's would be (the same brief, backend, checks and fallback rules, through
`writing.Writer`), and only answered: nothing is stored, sent, or counted as a
campaign's text.  Duplicates are refused among the samples themselves.

The writing is bounded: each text within `deadline_seconds`, and within the
asker's `answer_by` (less a margin for the reply); a text not ready by then is
the fallback text, for `timeout`.  A request found after its `answer_by` (it
waited in the queue while nobody consumed it) is answered without texts.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from datetime import datetime

from contracts.audience import Recipient
from contracts.composer import ComposedSample, ComposedSamplesV1, ComposeSamplesRequestedV1
from service_kit.logs import get_logger

from .backends.base import Backend
from .domain.model import Composed, Deadline
from .domain.validation import fingerprint
from .metrics import ComposerMetrics
from .writing import Writer, brief_of

REPLY_MARGIN_SECONDS = 1.0
"""Kept free before the asker's `answer_by`, for the reply to reach it."""
GUARD_SECONDS = 0.25
"""How long past a sample's deadline its writing may run (waiting for a model slot
included) before the fallback text is taken instead."""
EXPIRED = "the request waited past its answer_by before the composer took it: no texts written"

log = get_logger(__name__)


class SampleTexts:
    """One dry run's texts, in memory: a text another sample already got (personal
    details aside) is a duplicate, as it would be within a campaign."""

    def __init__(self, metrics: ComposerMetrics) -> None:
        self._metrics = metrics
        self._used: set[bytes] = set()

    async def written(self, composed: Composed, personal: tuple[str, ...]) -> Composed | None:
        seen = fingerprint(composed.text, personal)
        if seen in self._used:
            return None
        self._used.add(seen)
        self._metrics.samples.labels("written").inc()
        return composed

    async def fallback(self, composed: Composed, personal: tuple[str, ...]) -> Composed:
        self._metrics.samples.labels("fallback").inc()
        return composed


class Samples:
    def __init__(
        self,
        backend: Backend,
        metrics: ComposerMetrics,
        *,
        max_attempts: int,
        deadline_seconds: float,
    ) -> None:
        self._writer = Writer(backend, metrics, max_attempts=max_attempts)
        self._metrics = metrics
        self._deadline_seconds = deadline_seconds

    def seconds_for(self, request: ComposeSamplesRequestedV1, now: datetime) -> float:
        """How long the texts may take: the composer's own bound, within the asker's."""
        if request.answer_by is None:
            return self._deadline_seconds
        left = (request.answer_by - now).total_seconds() - REPLY_MARGIN_SECONDS
        return min(self._deadline_seconds, left)

    async def write(self, request: ComposeSamplesRequestedV1, now: datetime) -> ComposedSamplesV1:
        """A text per recipient of `request`, in its order; none (and why) when
        the asker has stopped waiting."""
        seconds = self.seconds_for(request, now)
        if seconds <= 0:
            log.info("sample request expired before it was taken", answer_by=request.answer_by)
            return ComposedSamplesV1(note=EXPIRED)
        keeper = SampleTexts(self._metrics)
        dry_run = uuid.uuid4()  # what a campaign id is to the writing: one set of samples
        samples = await asyncio.gather(
            *(
                self._one(request, recipient, dry_run, seconds, keeper)
                for recipient in request.recipients
            )
        )
        log.info(
            "sample texts written",
            samples=len(samples),
            compositions=dict(Counter(sample.composition for sample in samples)),
        )
        return ComposedSamplesV1(samples=list(samples))

    async def _one(
        self,
        request: ComposeSamplesRequestedV1,
        recipient: Recipient,
        dry_run: uuid.UUID,
        seconds: float,
        keeper: SampleTexts,
    ) -> ComposedSample:
        deadline = Deadline(seconds)
        deadline.start()  # the person waiting counts every second, a model slot's too
        brief, personal = brief_of(
            key=(dry_run, recipient.recipient_no, 1),
            prompt=request.prompt,
            fallback_text=request.fallback_text,
            channel=request.channel,
            recipient=recipient,
            deadline=deadline,
        )
        try:
            async with asyncio.timeout(seconds + GUARD_SECONDS):
                composed = await self._writer.write(brief, personal, keeper)
        except TimeoutError:
            composed = await self._writer.fall_back(brief, personal, keeper, "timeout", 0)
        return ComposedSample(
            recipient_no=recipient.recipient_no,
            text=composed.text,
            composition=composed.composition,
            fallback_reason=composed.fallback_reason,
        )
