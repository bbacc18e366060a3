"""Work for the AI composer: recipients whose text it must write."""

from __future__ import annotations

from pydantic import Field

from .audience import Recipient
from .base import ConnectionChannel, ConnectionId, Message, TenantId, UtcDatetime
from .dispatch import DeliveryKey


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
