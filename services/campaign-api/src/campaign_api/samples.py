"""Asking the ai-composer (request/reply) for sample texts: what a dry run of AI
content shows, written for a few real recipients of its audience by the path a
campaign's texts are written by.  A dry run never waits on them longer than its
`wait_seconds`, and never fails for want of them: it says why there are none."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta

from contracts.audience import SampleContact
from contracts.base import utc_now
from contracts.composer import ComposedSample, ComposedSamplesV1, ComposeSamplesRequestedV1
from contracts.content import AiContent
from contracts.names import RoutingKey
from faststream.rabbit import RabbitBroker
from service_kit.logs import get_logger

from .domain.model import PlannedCampaign, Sample
from .estimates import ask

NO_ESTIMATE = "the audience-resolver did not answer in time: no recipients to write samples for"
NOBODY = "the audience reaches nobody now: no recipients to write samples for"

log = get_logger(__name__)


@dataclass(frozen=True)
class Samples:
    """The sample texts of a dry run, in the audience's order, and why there
    are none (or fewer than its recipients) when so."""

    samples: list[Sample] = field(default_factory=list)
    note: str | None = None


def _silent(wait_seconds: float) -> str:
    return f"the ai-composer did not answer within {wait_seconds:g} s: samples omitted"


async def sample_texts(
    broker: RabbitBroker,
    *,
    tenant_id: str,
    content: AiContent,
    planned: list[PlannedCampaign],
    contacts: list[SampleContact] | None,
    wait_seconds: float,
) -> Samples:
    """The texts `content` gets for `contacts` (None: the audience-resolver did
    not answer), one request per planned campaign's connection, all at once."""
    if contacts is None:
        return Samples(note=NO_ESTIMATE)
    asked = [
        (plan, [c for c in contacts if c.connection_id == plan.connection_id]) for plan in planned
    ]
    asked = [(plan, people) for plan, people in asked if people]
    if not asked:
        return Samples(note=NOBODY)
    answers = await asyncio.gather(
        *(
            _ask_composer(broker, tenant_id, content, plan, people, wait_seconds)
            for plan, people in asked
        )
    )
    samples = [sample for found in answers for sample in found.samples]
    order = {contact.contact_id: n for n, contact in enumerate(contacts)}
    samples.sort(key=lambda sample: order[sample.contact_id])
    notes = list(dict.fromkeys(found.note for found in answers if found.note))
    return Samples(samples, "; ".join(notes) or None)


async def _ask_composer(
    broker: RabbitBroker,
    tenant_id: str,
    content: AiContent,
    plan: PlannedCampaign,
    people: list[SampleContact],
    wait_seconds: float,
) -> Samples:
    request = ComposeSamplesRequestedV1(
        tenant_id=tenant_id,
        connection_id=plan.connection_id,
        channel=plan.channel,
        prompt=content.prompt,
        fallback_text=content.fallback_text,
        recipients=[person.recipient(n) for n, person in enumerate(people, start=1)],
        answer_by=utc_now() + timedelta(seconds=wait_seconds),
    )
    try:
        body = await ask(broker, request, RoutingKey.COMPOSE_SAMPLES, wait_seconds)
    except TimeoutError:
        log.warning("no sample texts: the ai-composer did not answer", wait_seconds=wait_seconds)
        return Samples(note=_silent(wait_seconds))
    reply = ComposedSamplesV1.model_validate_json(body)
    by_no = dict(enumerate(people, start=1))
    samples = [
        _sample(by_no[written.recipient_no], written)
        for written in reply.samples
        if written.recipient_no in by_no
    ]
    return Samples(samples, reply.note)


def _sample(person: SampleContact, written: ComposedSample) -> Sample:
    return Sample(
        connection_id=person.connection_id,
        contact_id=person.contact_id,
        external_id=person.external_id,
        name=person.name,
        text=written.text,
        composition=written.composition,
        fallback_reason=written.fallback_reason,
    )
