"""What the OpenAPI document says beyond what FastAPI writes of the routes: that
errors are problem details, that a JSON body which cannot be read answers 400,
that a tagged union's tag is required, and what the contracts' validators take
beyond their models' JSON Schemas (`READ`).  The events' own JSON Schemas stay
as released (a narrower one would be a breaking change to them)."""

from __future__ import annotations

from typing import Any

from contracts.audience import ID_LIST_SCHEMA, NOT_BLANK_PATTERN, ONE_SOURCE
from contracts.content import FILE_PATTERN
from contracts.timing import DURATION_PATTERN, START_PATTERN
from fastapi import FastAPI

from .problems import PROBLEM_MEDIA_TYPE, WHEN

JSON = "application/json"
PROBLEM_REF = "#/components/schemas/Problem"


READ: dict[tuple[str, str], str] = {
    ("FilterAudience", "labels_any"): NOT_BLANK_PATTERN,
    ("FilterAudience", "labels_all"): NOT_BLANK_PATTERN,
    ("FilterAudience", "functions_executed"): NOT_BLANK_PATTERN,
    ("FilterAudience", "locales"): NOT_BLANK_PATTERN,
    ("FilterAudience", "last_inbound_within"): DURATION_PATTERN,
    ("MediaContent", "file"): FILE_PATTERN,
    ("CampaignIn", "start_at"): START_PATTERN,
    ("ResendIn", "start_at"): START_PATTERN,
}
"""(schema, property) -> the pattern its text (or each text of its list) matches."""


def _strings(node: Any, pattern: str) -> None:
    """Every string of `node` (itself, a list's items, a union's members) matches `pattern`."""
    if isinstance(node, dict):
        if node.get("type") == "string":
            node["pattern"] = pattern
        for key in ("items", "anyOf"):
            members = node.get(key)
            for member in members if isinstance(members, list) else [members]:
                _strings(member, pattern)


def _what_validators_read(schemas: dict[str, Any]) -> None:
    for (name, field), pattern in READ.items():
        _strings(schemas[name]["properties"][field], pattern)
    audience = schemas["ListAudience"]
    audience["properties"]["external_ids"]["anyOf"] = [ID_LIST_SCHEMA, {"type": "null"}]
    audience.update(ONE_SOURCE)


def _as_problems(operation: dict[str, Any]) -> None:
    """Every 4xx and 5xx body under `application/problem+json` (FastAPI puts a
    response model under its route's media type); 400 where a JSON body is read
    (FastAPI's answer to one that is not UTF-8); the answers in status order."""
    responses: dict[str, Any] = operation.setdefault("responses", {})
    for status, response in responses.items():
        content = response.get("content", {})
        if status[0] in "45" and JSON in content:
            content[PROBLEM_MEDIA_TYPE] = content.pop(JSON)
    if JSON in operation.get("requestBody", {}).get("content", {}):
        responses["400"] = {
            "description": WHEN[400],
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": PROBLEM_REF}}},
        }
    operation["responses"] = dict(sorted(responses.items()))


def _tags_required(node: Any, schemas: dict[str, Any]) -> None:
    """In each member of a tagged union the tag is required: pydantic tells the
    members apart by it before it fills in a default."""
    if isinstance(node, dict):
        discriminator = node.get("discriminator")
        if isinstance(discriminator, dict):
            tag = discriminator["propertyName"]
            for ref in discriminator.get("mapping", {}).values():
                member = schemas[ref.rsplit("/", 1)[-1]]
                if tag not in member.setdefault("required", []):
                    member["required"].insert(0, tag)
        for value in node.values():
            _tags_required(value, schemas)
    elif isinstance(node, list):
        for value in node:
            _tags_required(value, schemas)


NOT_SPACE = r"[^\s,:]"
NOT_SPACE_READ = r"[^\s\x85,:]"
r"""An id's pattern as the validators read it: their `\s` (Rust's regex, Unicode)
takes U+0085 (NEL) for a space, where a JSON Schema's (ECMAScript's) does not."""


def _spaces_as_read(node: Any) -> None:
    if isinstance(node, dict):
        pattern = node.get("pattern")
        if isinstance(pattern, str) and NOT_SPACE in pattern:
            node["pattern"] = pattern.replace(NOT_SPACE, NOT_SPACE_READ)
        for value in node.values():
            _spaces_as_read(value)
    elif isinstance(node, list):
        for value in node:
            _spaces_as_read(value)


def finish(document: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI `document` as this module says; changed in place and returned."""
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            _as_problems(operation)
    schemas = document.get("components", {}).get("schemas", {})
    _tags_required(document, schemas)
    _what_validators_read(schemas)
    _spaces_as_read(document)
    return document


def install(app: FastAPI) -> None:
    """The app's `/openapi.json` is `finish`ed."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = finish(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
