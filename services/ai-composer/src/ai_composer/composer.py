"""Writing the texts of a compose request, one delivery at a time, all at once.

Each text is written as `writing` says (checked, written again with the reason,
the campaign's fallback text in the end), then stored keyed by its delivery
before it is handed on, so a redelivered request re-sends the stored text: one
delivery never gets two different texts.  A text the campaign already used,
once each recipient's personal details (name, city, ...) are taken out, is a
duplicate: a name swapped into the same sentence is not a different message.
A delivery's deadline (`deadline_seconds` from its first request to the model,
drafts and retries together) bounds its writing.

Finished jobs are handed on in chunks as they are ready, so one slow
generation holds back only itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable

from contracts.composer import ComposeJob, ComposeRequestedV1
from contracts.dispatch import DispatchJob, OutboundText
from service_kit.logs import get_logger

from . import repo
from .backends.base import Backend
from .domain.model import Composed, Deadline
from .metrics import ComposerMetrics
from .writing import Writer, brief_of

Deliver = Callable[[list[DispatchJob]], Awaitable[None]]

log = get_logger(__name__)


class CampaignTexts:
    """A campaign's texts, kept in the composer's store keyed by delivery: a text
    the campaign already used (its recipient's personal details aside) is a
    duplicate; a fallback text may repeat.  Counts what is handed on."""

    def __init__(
        self, pool: Callable[[], repo.Pool], metrics: ComposerMetrics, backend: str
    ) -> None:
        self._pool = pool
        self._metrics = metrics
        self._backend = backend

    async def written(self, composed: Composed, personal: tuple[str, ...]) -> Composed | None:
        kept = await repo.keep_written(self._pool(), composed, personal)
        if kept is not None:
            self._metrics.composed.labels(self._backend, "written").inc()
        return kept

    async def fallback(self, composed: Composed, personal: tuple[str, ...]) -> Composed:
        kept = await repo.keep_fallback(self._pool(), composed, personal)
        assert composed.fallback_reason is not None  # a fallback says why
        self._metrics.fallbacks.labels(composed.fallback_reason).inc()
        self._metrics.composed.labels(self._backend, "fallback").inc()
        return kept


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
        self._writer = Writer(backend, metrics, max_attempts=max_attempts)
        self._texts = CampaignTexts(pool, metrics, backend.name)
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
        try:
            await self._in_chunks(tasks, deliver)
        finally:  # stopped or failed part-way: no text goes on being written for nobody
            for task in tasks:
                task.cancel()

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
        brief, personal = brief_of(
            key=_key(job),
            prompt=request.prompt,
            fallback_text=request.fallback_text,
            channel=request.channel,
            recipient=job.recipient,
            deadline=None if self._deadline_seconds is None else Deadline(self._deadline_seconds),
        )
        return await self._writer.write(brief, personal, self._texts)

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


def _key(job: ComposeJob) -> repo.DeliveryKey:
    return (job.campaign_id, job.recipient_no, job.step_no)


def _order(job: DispatchJob) -> tuple[int, int]:
    return (job.recipient_no, job.step_no)
