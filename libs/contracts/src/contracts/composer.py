"""Work for the AI composer: recipients whose text it must write, and sample
texts a dry run shows before a campaign exists."""

from __future__ import annotations

from pydantic import Field

from .audience import MAX_SAMPLE, Recipient
from .base import ConnectionChannel, ConnectionId, Message, TenantId, UtcDatetime
from .dispatch import Composition, DeliveryKey, FallbackReason


class ComposeJob(DeliveryKey):
    recipient: Recipient
    released_at: UtcDatetime


class ComposeRequestedV1(Message):
    """`compose.request.v1`: write these recipients' texts, then hand them to the
    connection's dispatcher exactly as the scheduler would."""

    tenant_id: TenantId
    connection_id: ConnectionId
    channel: ConnectionChannel
    prompt: str
    fallback_text: str
    jobs: list[ComposeJob] = Field(min_length=1)


class ComposeSamplesRequestedV1(Message):
    """`compose.samples.v1` (request/reply, `ComposedSamplesV1`): write these
    recipients' texts as a campaign with this prompt would, and only answer them:
    nothing is sent, stored or counted for any campaign."""

    tenant_id: TenantId
    connection_id: ConnectionId
    channel: ConnectionChannel
    prompt: str = Field(min_length=1)
    fallback_text: str = Field(min_length=1)
    recipients: list[Recipient] = Field(min_length=1, max_length=MAX_SAMPLE)
    answer_by: UtcDatetime | None = Field(
        default=None,
        description="When the asker stops waiting: the composer writes within it, and a "
        "request found after it is answered without texts",
    )


class ComposedSample(Message):
    """One recipient's sample text, and how it was written."""

    recipient_no: int = Field(ge=1)
    text: str
    composition: Composition
    fallback_reason: FallbackReason | None = None
    """Set with composition `ai_fallback`: why the fallback text was used."""


class ComposedSamplesV1(Message):
    """The reply to `compose.samples.v1`: a text per recipient, in their order, or
    none and why (`note`)."""

    samples: list[ComposedSample] = Field(default_factory=list)
    note: str | None = None
