"""Personal fields in message text: `Hello, {name}!`, `{first_name|friend}`.

`{field}` is replaced by the recipient's value; `{field|default}` falls back to
`default` when the recipient has no value.  Fields: `name`, `first_name`,
`external_id`, and any key of the contact's attributes.  A field the recipient
lacks, without a default, becomes empty text.  Braces that do not hold a field
name (`{}`, `{ x }`, JSON) are left as they are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?:\|([^{}\n]*))?\}")
STANDARD_FIELDS = ("name", "first_name", "external_id")


def recipient_fields(
    name: str | None,
    external_id: str,
    attributes: Mapping[str, object] | None = None,
) -> dict[str, str]:
    """The values personal fields draw on for one recipient."""
    fields = {
        str(key): str(value)
        for key, value in (attributes or {}).items()
        if value is not None and str(value) != ""
    }
    if name and name.strip():
        fields["name"] = name.strip()
        fields["first_name"] = name.strip().split()[0]
    fields["external_id"] = external_id
    return fields


def personalize(text: str, fields: Mapping[str, str]) -> str:
    """Fill `text`'s personal fields from `fields`."""

    def fill(match: re.Match[str]) -> str:
        value = fields.get(match.group(1))
        if value:
            return value
        return match.group(2) if match.group(2) is not None else ""

    return PLACEHOLDER.sub(fill, text)


def placeholders(text: str) -> list[str]:
    """The personal fields a text uses, in order of first use."""
    return list(dict.fromkeys(m.group(1) for m in PLACEHOLDER.finditer(text)))
