"""A campaign's parameters as rows of a definition list: its audience, content and
timing, each field with a translatable label and a plain value."""

from __future__ import annotations

from collections.abc import Mapping

from service_kit.catalogues import N_

from ..domain.model import CampaignRecord

FIELD_LABELS = {
    "kind": N_("Kind"),
    "contact_ids": N_("Selected dialogs"),
    "external_ids": N_("Platform ids"),
    "list_id": N_("Uploaded list"),
    "channels": N_("Messengers"),
    "connection_ids": N_("Connections"),
    "labels_any": N_("Any of the labels"),
    "labels_all": N_("All of the labels"),
    "functions_executed": N_("Functions executed"),
    "last_inbound_within": N_("Last message within"),
    "locales": N_("Languages"),
    "name_contains": N_("Name contains"),
    "external_id": N_("Platform id"),
    "text": N_("Text"),
    "media_type": N_("Media type"),
    "file": N_("File"),
    "caption": N_("Caption"),
    "prompt": N_("Prompt"),
    "fallback_text": N_("Fallback text"),
    "template": N_("Template"),
}
MAX_SHOWN_IDS = 20


def plain(value: object) -> str:
    """A parameter's value as text: lists joined (long ones cut, with their length)."""
    if isinstance(value, list):
        shown = ", ".join(str(item) for item in value[:MAX_SHOWN_IDS])
        return shown + (f" … ({len(value)})" if len(value) > MAX_SHOWN_IDS else "")
    return "—" if value is None else str(value)


def fields(values: Mapping[str, object]) -> list[tuple[str, str]]:
    """(label, value) of every field that is set, the kind first."""
    return [
        (FIELD_LABELS.get(name, name), plain(value))
        for name, value in sorted(values.items(), key=lambda item: item[0] != "kind")
        if value not in (None, [], "")
    ]


def audience_rows(record: CampaignRecord) -> list[tuple[str, str]]:
    return fields(record.audience)


def content_rows(record: CampaignRecord) -> list[tuple[str, str]]:
    return fields(record.content)
