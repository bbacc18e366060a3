"""The campaign wizard's form, read into the same `CampaignSpec` the API takes.

The form names each part as the wizard's steps ask for it (`audience_kind`,
`content_kind`, a start as a local date and time in a named time zone); lists
typed into a field are separated by commas (ids also by spaces or newlines)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from contracts.audience import Audience
from contracts.base import ConnectionId
from contracts.campaigns import CampaignSpec
from pydantic import BaseModel
from starlette.datastructures import FormData

from ..domain.model import Refusal

BAD_START = "bad_start_time"
FILTER_LISTS = ("labels_any", "labels_all", "functions_executed", "locales")
FILTER_TEXTS = ("last_inbound_within", "name_contains")


Form = FormData


def text(form: Form, name: str) -> str | None:
    value = form.get(name)
    return value.strip() or None if isinstance(value, str) else None


def words(form: Form, name: str) -> list[str] | None:
    """A comma-separated field as a list (None when empty)."""
    found = [part.strip() for part in (text(form, name) or "").split(",") if part.strip()]
    return found or None


def chosen(form: Form, name: str) -> list[str] | None:
    """The ticked values of a group of checkboxes (None when none is ticked)."""
    return [v for v in form.getlist(name) if isinstance(v, str) and v] or None


def audience(form: Form) -> dict[str, Any]:
    kind = text(form, "audience_kind") or "filter"
    if kind == "dialogs":
        return {"kind": "contacts", "contact_ids": chosen(form, "contact_ids") or []}
    if kind == "file":
        return {"kind": "list", "external_ids": text(form, "external_ids") or ""}
    if kind == "all":
        return {"kind": "all"}
    found: dict[str, Any] = {"kind": "filter"}
    found["channels"] = chosen(form, "channels")
    found["connection_ids"] = chosen(form, "connection_ids")
    found.update({name: words(form, name) for name in FILTER_LISTS})
    found.update({name: text(form, name) for name in FILTER_TEXTS})
    return {key: value for key, value in found.items() if value is not None}


def content(form: Form) -> dict[str, Any]:
    kind = text(form, "content_kind") or "text"
    if kind == "media":
        return {
            "kind": "media",
            "media_type": text(form, "media_type"),
            "file": text(form, "media_file"),
            "caption": text(form, "caption"),
        }
    if kind == "ai":
        return {
            "kind": "ai",
            "prompt": text(form, "prompt"),
            "fallback_text": text(form, "fallback_text"),
        }
    if kind == "template":
        return {"kind": "template", "template": text(form, "template")}
    return {"kind": "text", "text": text(form, "text")}


def start_at(form: Form) -> str | None:
    """The start as ISO 8601 with the offset of the person's time zone; None: now."""
    if text(form, "start_mode") != "at":
        return None
    local = text(form, "start_local")
    if local is None:
        raise Refusal("start_local: pick the date and time to start, or start now", BAD_START)
    try:
        zone = ZoneInfo(text(form, "time_zone") or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise Refusal("time_zone: unknown; pick one such as Europe/Moscow", BAD_START) from None
    try:
        moment = datetime.fromisoformat(local)
    except ValueError:
        raise Refusal(f"start_local: {local!r} is not a date and time", BAD_START) from None
    return moment.replace(tzinfo=zone).isoformat()


def interval(form: Form) -> str:
    return text(form, "interval_seconds") or "0"


def quiet_hours(form: Form) -> dict[str, Any]:
    """The campaign's own quiet hours (`own`), none (`none`), or the tenant's (no field)."""
    mode = text(form, "quiet_mode") or "tenant"
    if mode == "none":
        return {"quiet_hours": None}
    if mode == "own":
        return {"quiet_hours": {"start": text(form, "quiet_start"), "end": text(form, "quiet_end")}}
    return {}


class Reach(BaseModel):
    """The part of the form the live estimate reads."""

    connection_id: ConnectionId | None = None
    audience: Audience


def reach(form: Form) -> Reach:
    """The audience and the connection; pydantic's ValidationError names what is wrong."""
    return Reach.model_validate(
        {"connection_id": text(form, "connection_id"), "audience": audience(form)}
    )


def campaign_spec(form: Form) -> CampaignSpec:
    """The campaign the form describes; pydantic's ValidationError names what is wrong."""
    return CampaignSpec.model_validate(
        {
            "name": text(form, "name"),
            "connection_id": text(form, "connection_id"),
            "audience": audience(form),
            "content": content(form),
            "interval_seconds": interval(form),
            "start_at": start_at(form),
            "requested_by": "console",
            **quiet_hours(form),
        }
    )
