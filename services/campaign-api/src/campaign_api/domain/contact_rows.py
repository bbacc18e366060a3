"""Rows of a contact import (CSV or JSON lines) into validated contact records.

CSV needs a header; `external_id` is required, `connection_id` too unless the
import names one for all rows.  `labels` and `functions_executed` are lists
separated by `;`; `last_inbound_at` is ISO 8601; `opted_out` is true/false;
`channel` may be omitted (the connection's messenger); any other column becomes
a custom attribute.  A JSON line is an object with the same fields, with
`attributes` as an object.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from contracts.audience import ContactRecord
from contracts.base import MESSENGER_OF, ConnectionChannel
from pydantic import ValidationError

KNOWN_FIELDS = frozenset(
    {
        "connection_id",
        "channel",
        "external_id",
        "name",
        "labels",
        "functions_executed",
        "last_inbound_at",
        "locale",
        "opted_out",
        "attributes",
    }
)
LIST_FIELDS = ("labels", "functions_executed")
_TRUE = {"1", "true", "yes", "y"}
_FALSE = {"0", "false", "no", "n", ""}


class RowError(ValueError):
    pass


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def from_csv_row(row: Mapping[str, str | None]) -> dict[str, Any]:
    """A CSV row (header -> text) as contact fields."""
    fields: dict[str, Any] = {}
    attributes: dict[str, str] = {}
    for column, raw in row.items():
        if column is None:
            raise RowError("more values than header columns")
        value = (raw or "").strip()
        key = column.strip()
        if key in LIST_FIELDS:
            fields[key] = _split(value)
        elif key == "opted_out":
            if value.lower() not in _TRUE | _FALSE:
                raise RowError(f"opted_out: {value!r} is not true or false")
            fields[key] = value.lower() in _TRUE
        elif key in KNOWN_FIELDS:
            if value:
                fields[key] = value
        elif value:
            attributes[key] = value
    if attributes:
        fields["attributes"] = attributes
    return fields


def from_json_line(line: str) -> dict[str, Any]:
    try:
        fields = json.loads(line)
    except json.JSONDecodeError as error:
        raise RowError(f"not JSON: {error.msg}") from None
    if not isinstance(fields, dict):
        raise RowError("each line must be a JSON object")
    return fields


def to_record(
    fields: dict[str, Any],
    *,
    default_connection: str | None,
    connections: Mapping[str, ConnectionChannel],
) -> ContactRecord:
    """Validate one row against the tenant's connections."""
    connection_id = fields.get("connection_id") or default_connection
    if not connection_id:
        raise RowError("connection_id: missing (add the column, or ?connection_id= to the import)")
    channel = connections.get(str(connection_id))
    if channel is None:
        raise RowError(f"connection_id: unknown connection {connection_id!r}")
    messenger = MESSENGER_OF[channel]
    if fields.get("channel") not in (None, "", messenger):
        raise RowError(
            f"channel: {fields['channel']!r} does not match connection {connection_id!r} "
            f"({messenger})"
        )
    try:
        return ContactRecord.model_validate(
            {**fields, "connection_id": connection_id, "channel": messenger}
        )
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "row"
        raise RowError(f"{where}: {first['msg']}") from None
