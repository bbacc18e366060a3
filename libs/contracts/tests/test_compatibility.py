"""The events stay compatible with their released schemas, and the check finds
each kind of breaking change."""

from __future__ import annotations

import json
from typing import Any

import pytest
from contracts.compatibility import breaking_changes
from contracts.schemas import RELEASED_DIR, rendered_schemas

RELEASED = sorted(path.name for path in RELEASED_DIR.glob("*.json"))


@pytest.mark.parametrize("name", RELEASED)
def test_each_released_event_is_still_taken_as_it_was(name: str) -> None:
    current = rendered_schemas()
    assert name in current, f"{name} was released and is gone: keep it beside its successor"
    released = json.loads((RELEASED_DIR / name).read_text(encoding="utf-8"))
    found = breaking_changes(released, json.loads(current[name]))
    assert not found, f"breaking changes to {name} (make a .v2 beside it): {found}"


def test_every_event_has_been_released() -> None:
    assert RELEASED, "libs/contracts/released/ is empty: run `make schemas-release`"


MESSAGE: dict[str, Any] = {
    "$defs": {
        "Everyone": {
            "properties": {"kind": {"const": "everyone", "type": "string"}},
            "required": ["kind"],
            "type": "object",
        },
        "Labels": {
            "properties": {
                "kind": {"const": "labels", "type": "string"},
                "labels": {"items": {"type": "string"}, "maxItems": 50, "type": "array"},
            },
            "required": ["kind", "labels"],
            "type": "object",
        },
    },
    "properties": {
        "tenant_id": {"maxLength": 64, "pattern": "^[a-z-]+$", "type": "string"},
        "plan": {"enum": ["free", "paid"], "type": "string"},
        "limit": {"anyOf": [{"minimum": 0, "type": "integer"}, {"type": "null"}]},
        "rate": {"type": "number"},
        "audience": {"anyOf": [{"$ref": "#/$defs/Everyone"}, {"$ref": "#/$defs/Labels"}]},
    },
    "required": ["tenant_id", "plan"],
    "type": "object",
}


def changed(edit: Any) -> dict[str, Any]:
    new: dict[str, Any] = json.loads(json.dumps(MESSAGE))
    edit(new)
    return new


def test_what_keeps_every_released_message_valid_is_not_breaking() -> None:
    def widen(new: dict[str, Any]) -> None:
        new["properties"]["comment"] = {"type": "string"}  # a new optional field
        new["properties"]["plan"]["enum"].append("enterprise")
        new["properties"]["tenant_id"]["maxLength"] = 128
        new["properties"]["limit"]["anyOf"][0].pop("minimum")
        new["required"].remove("plan")
        new["$defs"]["Labels"]["properties"]["labels"]["maxItems"] = 100

    assert breaking_changes(MESSAGE, MESSAGE) == []
    assert breaking_changes(MESSAGE, changed(widen)) == []


@pytest.mark.parametrize(
    ("edit", "found"),
    [
        (lambda n: n["properties"].pop("rate"), "rate: removed"),
        (lambda n: n["required"].append("rate"), "rate: newly required"),
        (
            lambda n: n["properties"]["rate"].update(type="integer"),
            "rate: type narrowed from integer/number to integer",
        ),
        (
            lambda n: n["properties"]["plan"]["enum"].remove("free"),
            "plan: values narrowed from 'free'/'paid' to 'paid'",
        ),
        (
            lambda n: n["properties"]["tenant_id"].update(maxLength=32),
            "tenant_id: maxLength tightened to 32",
        ),
        (
            lambda n: n["properties"]["tenant_id"].update(pattern="^[a-z]+$"),
            "tenant_id: pattern changed to '^[a-z]+$'",
        ),
        (
            lambda n: n["properties"]["limit"]["anyOf"].pop(),
            "limit: alternative null no longer taken",
        ),
        (
            lambda n: n["properties"]["audience"]["anyOf"].pop(),
            "audience: alternative Labels no longer taken",
        ),
        (
            lambda n: n["$defs"]["Labels"]["properties"]["labels"].update(maxItems=10),
            "audience.labels: maxItems tightened to 10",
        ),
        (
            lambda n: n["$defs"]["Labels"]["properties"].pop("labels"),
            "audience.labels: removed",
        ),
        (
            lambda n: n.update(additionalProperties=False),
            "the message: extra fields newly forbidden",
        ),
    ],
    ids=[
        "removed",
        "newly required",
        "type",
        "enum",
        "bound",
        "pattern",
        "nullable",
        "union member",
        "bound inside a union member",
        "removed inside a union member",
        "closed",
    ],
)
def test_each_breaking_change_is_found_naming_the_field(edit: Any, found: str) -> None:
    assert breaking_changes(MESSAGE, changed(edit)) == [found]
