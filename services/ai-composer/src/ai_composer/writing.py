"""Writing one recipient's text: what campaign deliveries and dry-run samples share.

The prompt's personal fields (`{name}`) are filled for the recipient before
writing.  A draft is cleaned and checked; one that fails a check, or that its
keeper refuses as a duplicate, is written again with the reason, up to
`max_attempts` drafts.  After that, or when the backend times out, fails or
refuses, or the brief's deadline passes, the fallback text goes, with its
personal fields filled.  Where texts are kept, and what counts as a duplicate,
is the `Keeper`'s business: a campaign's store, or a dry run's memory.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Protocol
from uuid import UUID

from contracts.audience import Recipient
from contracts.base import ConnectionChannel
from contracts.dispatch import FallbackReason
from contracts.personal_fields import personalize, recipient_fields
from service_kit.logs import get_logger

from .backends.base import Backend
from .domain.model import Brief, Composed, Deadline, Draft, GenerationFailed, Rejection
from .domain.validation import DUPLICATE, Problem, clean, problem
from .metrics import ComposerMetrics

log = get_logger(__name__)


class Keeper(Protocol):
    """Where written texts are kept, and which of them may be used."""

    async def written(self, composed: Composed, personal: tuple[str, ...]) -> Composed | None:
        """The checked text as kept (maybe another kept first for the same
        delivery), or None when it repeats a text already used, its recipient's
        `personal` details aside."""
        ...

    async def fallback(self, composed: Composed, personal: tuple[str, ...]) -> Composed:
        """The fallback text as kept (fallback texts may repeat)."""
        ...


def brief_of(
    *,
    key: tuple[UUID, int, int],
    prompt: str,
    fallback_text: str,
    channel: ConnectionChannel,
    recipient: Recipient,
    deadline: Deadline | None,
) -> tuple[Brief, tuple[str, ...]]:
    """What the backend writes one text from, its personal fields filled for
    `recipient`, and the recipient's personal values (what a duplicate may differ
    by).  `key` is (campaign_id, recipient_no, step_no)."""
    fields = recipient_fields(recipient.name, recipient.external_id, recipient.attributes)
    campaign_id, recipient_no, step_no = key
    brief = Brief(
        campaign_id=campaign_id,
        recipient_no=recipient_no,
        step_no=step_no,
        prompt=personalize(prompt, fields),
        channel=channel,
        recipient=recipient,
        fallback_text=personalize(fallback_text, fields).strip() or fallback_text,
        deadline=deadline,
    )
    return brief, tuple(fields.values())


class Writer:
    """Drafts from `backend`, checked and kept by a `Keeper`, until one is used."""

    def __init__(self, backend: Backend, metrics: ComposerMetrics, *, max_attempts: int) -> None:
        self._backend = backend
        self._metrics = metrics
        self._max_attempts = max_attempts

    async def write(self, brief: Brief, personal: tuple[str, ...], keeper: Keeper) -> Composed:
        """The text for `brief`: a draft `keeper` kept, or the fallback text."""
        backend = self._backend
        for attempt in range(1, self._max_attempts + 1):
            if brief.deadline is not None and brief.deadline.passed:
                log.warning(
                    "the delivery's deadline passed, fallback text sent",
                    recipient_no=brief.recipient_no,
                    drafts=attempt - 1,
                    problems=[rejection.problem for rejection in brief.rejected],
                )
                return await self.fall_back(brief, personal, keeper, "timeout", attempt - 1)
            brief = replace(brief, attempt=attempt)
            started = time.perf_counter()
            try:
                draft = await backend.write(brief)
            except GenerationFailed as failure:
                log.warning(
                    "generation failed, fallback text sent",
                    recipient_no=brief.recipient_no,
                    reason=failure.reason,
                    detail=failure.detail[:300],
                )
                return await self.fall_back(brief, personal, keeper, failure.reason, attempt)
            finally:
                self._metrics.generation.labels(backend.name).observe(time.perf_counter() - started)
            text = clean(draft.text)
            found = await self._keep(brief, Draft(text, draft.truncated), personal, keeper)
            if isinstance(found, Composed):
                return found
            if attempt < self._max_attempts:
                self._metrics.regenerations.labels(found.kind).inc()
            brief = replace(brief, rejected=(*brief.rejected, Rejection(text, found.detail)))
        log.warning(
            "every draft failed the checks, fallback text sent",
            recipient_no=brief.recipient_no,
            problems=[rejection.problem for rejection in brief.rejected],
        )
        return await self.fall_back(brief, personal, keeper, "rejected", self._max_attempts)

    async def _keep(
        self, brief: Brief, draft: Draft, personal: tuple[str, ...], keeper: Keeper
    ) -> Composed | Problem:
        """The draft (cleaned) as kept, or why it cannot be used: it fails a check,
        or the keeper has it already (`DUPLICATE`)."""
        found = problem(draft, brief.channel)
        if found is not None:
            return found
        written = Composed(
            brief.campaign_id,
            brief.recipient_no,
            brief.step_no,
            draft.text,
            self._backend.composition,
            brief.attempt,
        )
        kept = await keeper.written(written, personal)
        return DUPLICATE if kept is None else kept

    async def fall_back(
        self,
        brief: Brief,
        personal: tuple[str, ...],
        keeper: Keeper,
        reason: FallbackReason,
        attempts: int,
    ) -> Composed:
        """The brief's fallback text, kept, saying why it was used."""
        fallback = Composed(
            brief.campaign_id,
            brief.recipient_no,
            brief.step_no,
            brief.fallback_text,
            "ai_fallback",
            attempts,
            reason,
        )
        return await keeper.fallback(fallback, personal)
