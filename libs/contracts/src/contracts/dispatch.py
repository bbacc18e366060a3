"""Jobs for the channel dispatchers, and what they report back."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import Field

from .audience import Recipient
from .base import ConnectionChannel, ConnectionId, Message, TenantId, UtcDatetime
from .content import MediaType

Composition = Literal["static", "ai", "ai_fallback", "ai_builtin"]
"""Where a text came from: the campaign itself, an LLM, the fallback text after a
failed generation, or the built-in offline composer (not an LLM)."""
FallbackReason = Literal["timeout", "error", "refusal", "rejected"]
"""Why an `ai_fallback` delivery got the campaign's fallback text: the model did not
answer in time (or the delivery's composing deadline passed), answered an error,
refused, or every draft it wrote failed the checks (length, placeholders, duplicate)."""


class OutboundText(Message):
    kind: Literal["text"] = "text"
    text: str = Field(min_length=1)


class OutboundMedia(Message):
    kind: Literal["media"] = "media"
    media_type: MediaType
    file: str
    caption: str | None = None


class OutboundTemplate(Message):
    """A WhatsApp template message, personal fields filled."""

    kind: Literal["whatsapp_template"] = "whatsapp_template"
    template_name: str
    language: str
    components: list[dict[str, Any]] = Field(default_factory=list)


OutboundContent = Annotated[
    OutboundText | OutboundMedia | OutboundTemplate, Field(discriminator="kind")
]
"""A message ready to send: personal fields filled, AI text written."""


class DeliveryKey(Message):
    """One delivery: one step of one campaign to one recipient."""

    campaign_id: UUID
    recipient_no: int = Field(ge=1)
    step_no: int = Field(ge=1)


class DispatchJob(DeliveryKey):
    recipient: Recipient
    content: OutboundContent
    composition: Composition = "static"
    released_at: UtcDatetime
    fallback_reason: FallbackReason | None = None
    """Set with composition `ai_fallback`."""


class DispatchRequestedV1(Message):
    """`dispatch.send.v1`, on a connection's own queue: send these, in order."""

    tenant_id: TenantId
    connection_id: ConnectionId
    channel: ConnectionChannel
    jobs: list[DispatchJob] = Field(min_length=1)


DeliveryStatus = Literal["sent", "failed", "skipped", "cancelled", "unknown", "deferred"]
"""`deferred` is the one status that is not final: a rate (a WhatsApp number's
daily cap or warm-up) holds the delivery until `retry_at`; it was not attempted."""
FINAL_STATUSES: tuple[DeliveryStatus, ...] = ("sent", "failed", "skipped", "cancelled", "unknown")


class DeliveryResult(DeliveryKey):
    """How one delivery ended, or (`deferred`) until when it waits.  `error_code` is
    the platform's code or, for a policy skip or deferral, the rule's name
    (`policy.reply_window`, `policy.daily_cap`); `error_reason` reads."""

    status: DeliveryStatus
    attempts: int = Field(default=0, ge=0)
    platform_message_id: str | None = None
    error_code: str | None = None
    error_reason: str | None = None
    sent_at: UtcDatetime | None = None
    finished_at: UtcDatetime
    composition: Composition = "static"
    fallback_reason: FallbackReason | None = None
    """Set with composition `ai_fallback`: why the fallback text was sent."""
    retry_at: UtcDatetime | None = None
    """Set with status `deferred`: when the delivery may go (the rate's next allowance);
    it is released again then, in its original order."""
    text: str | None = None
    """Set with status `sent`: the text the person got, as the platform was given it
    (personal fields filled, an AI text as written, WhatsApp's STOP hint appended); a
    media message's caption, a WhatsApp template's name and parameters.  None for a
    media message without caption, and from dispatchers older than this field."""


class DeliveriesReportedV1(Message):
    """`delivery.reported.v1`: outcomes of deliveries, in batches."""

    tenant_id: TenantId
    connection_id: ConnectionId
    results: list[DeliveryResult] = Field(min_length=1)
