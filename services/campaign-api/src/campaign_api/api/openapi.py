"""What the OpenAPI document says beyond what FastAPI writes of the routes: that
errors are problem details, that a JSON body which cannot be read answers 400,
and that a tagged union's tag is required."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from .problems import PROBLEM_MEDIA_TYPE, WHEN

JSON = "application/json"
PROBLEM_REF = "#/components/schemas/Problem"


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


def finish(document: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI `document` as this module says; changed in place and returned."""
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            _as_problems(operation)
    schemas = document.get("components", {}).get("schemas", {})
    _tags_required(document, schemas)
    return document


def install(app: FastAPI) -> None:
    """The app's `/openapi.json` is `finish`ed."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = finish(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
