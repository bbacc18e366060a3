"""Writing the texts of a compose request, one delivery at a time, all at once.

The prompt's personal fields (`{name}`) are filled for each recipient before
writing.  Each text is checked, then stored keyed by its delivery before it is
handed on, so a redelivered request re-sends the stored text: one delivery
never gets two different texts.  A text the campaign already used, once each
recipient's personal details (name, city, ...) are taken out, is a duplicate:
a name swapped into the same sentence is not a different message.

A draft that fails a check is written again with the reason, up to
`max_attempts` drafts; after that, or when the backend times out, fails or
refuses, or the delivery's deadline (`deadline_seconds` from its first request
to the model, drafts and retries together) passes, the campaign's fallback
text goes, with its personal fields filled.
Finished jobs are handed on in chunks as they are ready, so one slow
generation holds back only itself.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import replace

from contracts.composer import ComposeJob, ComposeRequestedV1
from contracts.dispatch import DispatchJob, FallbackReason, OutboundText
from contracts.personal_fields import personalize, recipient_fields
from service_kit.logs import get_logger

from . import repo
from .backends.base import Backend
from .domain.model import Brief, Composed, Deadline, Draft, GenerationFailed, Rejection
from .domain.validation import DUPLICATE, Problem, clean, problem
from .metrics import ComposerMetrics

Deliver = Callable[[list[DispatchJob]], Awaitable[None]]

log = get_logger(__name__)


class Composer:
    def __init__(
        self,
        pool: Callable[[], repo.Pool],
        backend: Backend,
        metrics: ComposerMetrics,
        *,
        max_attempts: int,
        chunk_size: int,
        chunk_seconds: float,
        deadline_seconds: float | None = None,
    ) -> None:
        self._pool = pool
        self._backend = backend
        self._metrics = metrics
        self._max_attempts = max_attempts
        self._chunk_size = chunk_size
        self._chunk_seconds = chunk_seconds
        self._deadline_seconds = deadline_seconds

    async def compose(self, request: ComposeRequestedV1, deliver: Deliver) -> None:
        """Hand every job of `request`, its text written, to `deliver`."""
        known = await repo.stored(self._pool(), [_key(job) for job in request.jobs])
        if self._backend.name == "builtin" and len(known) < len(request.jobs):
            log.info(
                "texts written by the built-in composer, which is not an LLM",
                jobs=len(request.jobs) - len(known),
            )
        tasks = [
            asyncio.create_task(self._job(request, job, known.get(_key(job))))
            for job in request.jobs
        ]
        await self._in_chunks(tasks, deliver)

    async def _job(
        self, request: ComposeRequestedV1, job: ComposeJob, known: Composed | None
    ) -> DispatchJob:
        if known is None:
            composed = await self._write(request, job)
        else:
            composed = known
            self._metrics.composed.labels(self._backend.name, "reused").inc()
        return DispatchJob(
            campaign_id=job.campaign_id,
            recipient_no=job.recipient_no,
            step_no=job.step_no,
            recipient=job.recipient,
            content=OutboundText(text=composed.text),
            composition=composed.composition,
            fallback_reason=composed.fallback_reason,
            released_at=job.released_at,
        )

    async def _write(self, request: ComposeRequestedV1, job: ComposeJob) -> Composed:
        backend = self._backend
        recipient = job.recipient
        fields = recipient_fields(recipient.name, recipient.external_id, recipient.attributes)
        brief = self._brief(request, job, fields)
        personal = tuple(fields.values())
        for attempt in range(1, self._max_attempts + 1):
            if brief.deadline is not None and brief.deadline.passed:
                log.warning(
                    "the delivery's deadline passed, fallback text sent",
                    recipient_no=job.recipient_no,
                    drafts=attempt - 1,
                    problems=[rejection.problem for rejection in brief.rejected],
                )
                return await self._fall_back(request, job, brief, personal, "timeout", attempt - 1)
            brief = replace(brief, attempt=attempt)
            started = time.perf_counter()
            try:
                draft = await backend.write(brief)
            except GenerationFailed as failure:
                log.warning(
                    "generation failed, fallback text sent",
                    recipient_no=job.recipient_no,
                    reason=failure.reason,
                    detail=failure.detail[:300],
                )
                return await self._fall_back(request, job, brief, personal, failure.reason, attempt)
            finally:
                self._metrics.generation.labels(backend.name).observe(time.perf_counter() - started)
            text = clean(draft.text)
            found = await self._keep(request, job, Draft(text, draft.truncated), attempt, personal)
            if isinstance(found, Composed):
                return found
            if attempt < self._max_attempts:
                self._metrics.regenerations.labels(found.kind).inc()
            brief = replace(brief, rejected=(*brief.rejected, Rejection(text, found.detail)))
        log.warning(
            "every draft failed the checks, fallback text sent",
            recipient_no=job.recipient_no,
            problems=[rejection.problem for rejection in brief.rejected],
        )
        return await self._fall_back(request, job, brief, personal, "rejected", self._max_attempts)

    def _brief(self, request: ComposeRequestedV1, job: ComposeJob, fields: dict[str, str]) -> Brief:
        """What the backend writes the job's text from, its personal fields filled."""
        return Brief(
            campaign_id=job.campaign_id,
            recipient_no=job.recipient_no,
            step_no=job.step_no,
            prompt=personalize(request.prompt, fields),
            channel=request.channel,
            recipient=job.recipient,
            fallback_text=_fallback_text(request, fields),
            deadline=None if self._deadline_seconds is None else Deadline(self._deadline_seconds),
        )

    async def _keep(
        self,
        request: ComposeRequestedV1,
        job: ComposeJob,
        draft: Draft,
        attempt: int,
        personal: tuple[str, ...],
    ) -> Composed | Problem:
        """The draft (cleaned) stored as the job's text, or why it cannot be used:
        it fails a check, or the campaign already used it (`DUPLICATE`)."""
        found = problem(draft, request.channel)
        if found is not None:
            return found
        written = Composed(
            job.campaign_id,
            job.recipient_no,
            job.step_no,
            draft.text,
            self._backend.composition,
            attempt,
        )
        kept = await repo.keep_written(self._pool(), written, personal)
        if kept is None:
            return DUPLICATE
        self._metrics.composed.labels(self._backend.name, "written").inc()
        return kept

    async def _fall_back(
        self,
        request: ComposeRequestedV1,
        job: ComposeJob,
        brief: Brief,
        personal: tuple[str, ...],
        reason: FallbackReason,
        attempts: int,
    ) -> Composed:
        fallback = Composed(
            job.campaign_id,
            job.recipient_no,
            job.step_no,
            brief.fallback_text,
            "ai_fallback",
            attempts,
            reason,
        )
        kept = await repo.keep_fallback(self._pool(), fallback, personal)
        self._metrics.fallbacks.labels(reason).inc()
        self._metrics.composed.labels(self._backend.name, "fallback").inc()
        return kept

    async def _in_chunks(
        self, tasks: Iterable[asyncio.Task[DispatchJob]], deliver: Deliver
    ) -> None:
        """Deliver finished jobs `chunk_size` at a time, and whatever is finished
        `chunk_seconds` after the oldest of them finished."""
        loop = asyncio.get_running_loop()
        pending = set(tasks)
        ready: list[DispatchJob] = []
        due = 0.0
        try:
            while pending:
                timeout = max(0.0, due - loop.time()) if ready else None
                done, pending = await asyncio.wait(
                    pending, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
                )
                if done and not ready:
                    due = loop.time() + self._chunk_seconds
                ready += sorted((task.result() for task in done), key=_order)
                while len(ready) >= self._chunk_size:
                    await deliver(ready[: self._chunk_size])
                    ready = ready[self._chunk_size :]
                if ready and (not pending or loop.time() >= due):
                    await deliver(ready)
                    ready = []
        finally:
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)


def _fallback_text(request: ComposeRequestedV1, fields: dict[str, str]) -> str:
    return personalize(request.fallback_text, fields).strip() or request.fallback_text


def _key(job: ComposeJob) -> repo.DeliveryKey:
    return (job.campaign_id, job.recipient_no, job.step_no)


def _order(job: DispatchJob) -> tuple[int, int]:
    return (job.recipient_no, job.step_no)
