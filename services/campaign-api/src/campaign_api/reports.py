"""The CSV delivery report: one row per delivery.

A spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
return as a formula, so a contact named `=HYPERLINK(...)` could make whoever opens
the report send data away.  Every text cell starting so gets a leading `'` (OWASP's
rule for CSV injection): the spreadsheet then shows it as text.  Legitimate values
that start so (`+4915...`, `-5`) get the quote too."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from .repo.deliveries import DeliveryRow

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may read as the start of a formula."""

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
    "text",
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
                d.text or "",
            )
        )
        for d in deliveries
    )


def neutralised(value: object) -> object:
    """`value`, with a `'` before it when it is text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _line(values: Iterable[object]) -> str:
    """One CSV row ending in `\\n`.  The writer is told rows end in `\\r\\n` so that it
    quotes a field holding either character (it quotes only a line terminator's)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(neutralised(v) for v in values)
    return buffer.getvalue()[:-2] + "\n"
