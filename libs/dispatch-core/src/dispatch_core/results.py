"""Building the outcome of a delivery."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from contracts.dispatch import (
    DeliveryResult,
    DeliveryStatus,
    DispatchJob,
    OutboundContent,
    OutboundMedia,
    OutboundTemplate,
)
from service_kit.backoff import Backoff


def outcome(
    job: DispatchJob,
    status: DeliveryStatus,
    *,
    now: datetime,
    attempts: int = 0,
    platform_message_id: str | None = None,
    code: str | None = None,
    reason: str | None = None,
    retry_at: datetime | None = None,
    text: str | None = None,
) -> DeliveryResult:
    return DeliveryResult(
        campaign_id=job.campaign_id,
        recipient_no=job.recipient_no,
        step_no=job.step_no,
        status=status,
        attempts=attempts,
        platform_message_id=platform_message_id,
        error_code=code,
        error_reason=reason,
        sent_at=now if status == "sent" else None,
        finished_at=now,
        composition=job.composition,
        fallback_reason=job.fallback_reason,
        retry_at=retry_at,
        text=text,
    )


def sent_text(content: OutboundContent) -> str | None:
    """What a person reads of a message, as text: a text itself, a media message's
    caption (None without one), a WhatsApp template's name, language and
    parameters (`[offer (en)] Anna; 20%`)."""
    if isinstance(content, OutboundMedia):
        return content.caption
    if isinstance(content, OutboundTemplate):
        values = [
            _parameter_text(parameter)
            for component in content.components
            for parameter in component.get("parameters", [])
            if isinstance(parameter, dict)
        ]
        shown = "; ".join(value for value in values if value)
        return f"[{content.template_name} ({content.language})] {shown}".rstrip()
    return content.text


def _parameter_text(parameter: dict[str, Any]) -> str:
    """A template parameter as read: its text, or a currency's or date's fallback."""
    if "text" in parameter:
        return str(parameter["text"])
    value = parameter.get(str(parameter.get("type", "")))
    if isinstance(value, dict):
        return str(value.get("fallback_value", ""))
    return "" if value is None else str(value)


UNKNOWN_REASON = (
    "the dispatcher stopped while this message was being sent; "
    "the platform may or may not have delivered it, so it is not sent again"
)
CANCELLED_REASON = "the campaign was cancelled before this message was sent"


def backoff_seconds(attempt: int, *, base: float = 1.0, cap: float = 60.0) -> float:
    """1, 2, 4, 8 ... seconds (at most `cap`) after the 1st, 2nd, 3rd ... failed
    attempt to send a message: service-kit's backoff from `base`."""
    return Backoff(first=base, longest=cap).delay(attempt)
