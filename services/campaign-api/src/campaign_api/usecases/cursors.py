"""Opaque page cursors for keyset paging."""

from __future__ import annotations

import base64
from datetime import datetime
from uuid import UUID

from ..domain.model import Refusal


def _not_a_cursor() -> Refusal:
    return Refusal(
        "cursor: not a cursor this API returned; give the next_cursor of the previous page",
        "bad_cursor",
    )


def _encode(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(cursor: str) -> str:
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        raise _not_a_cursor() from None


def campaign_cursor(created_at: datetime, campaign_id: UUID) -> str:
    return _encode(f"{created_at.isoformat()}|{campaign_id}")


def read_campaign_cursor(cursor: str | None) -> tuple[datetime, UUID] | None:
    if cursor is None:
        return None
    try:
        at, _, ident = _decode(cursor).partition("|")
        return datetime.fromisoformat(at), UUID(ident)
    except ValueError:
        raise _not_a_cursor() from None


def delivery_cursor(recipient_no: int, step_no: int) -> str:
    return _encode(f"{recipient_no}:{step_no}")


def read_delivery_cursor(cursor: str | None) -> tuple[int, int]:
    if cursor is None:
        return (0, 0)
    try:
        recipient, _, step = _decode(cursor).partition(":")
        return int(recipient), int(step)
    except ValueError:
        raise _not_a_cursor() from None
