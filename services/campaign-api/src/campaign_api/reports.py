"""The CSV delivery report: one row per delivery."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from .repo.deliveries import DeliveryRow

COLUMNS = (
    "recipient_no",
    "step_no",
    "contact_id",
    "recipient",
    "name",
    "channel",
    "status",
    "error_code",
    "error_reason",
    "platform_message_id",
    "sent_at",
    "attempts",
    "composition",
    "fallback_reason",
)


def header() -> str:
    return _line(COLUMNS)


def rows(channel: str, deliveries: Iterable[DeliveryRow]) -> str:
    return "".join(
        _line(
            (
                d.recipient_no,
                d.step_no,
                d.contact_id or "",
                d.external_id or "",
                d.recipient_name or "",
                channel,
                d.status,
                d.error_code or "",
                d.error_reason or "",
                d.platform_message_id or "",
                d.sent_at.isoformat() if d.sent_at else "",
                d.attempts,
                d.composition or "",
                d.fallback_reason or "",
            )
        )
        for d in deliveries
    )


def _line(values: Iterable[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue()
