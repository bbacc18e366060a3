"""A service's AsyncAPI document: what it consumes and publishes, as faststream
describes its broker.  Served on the service's HTTP port; `make asyncapi` writes
each service's to `docs/asyncapi/<service>.json`."""

from __future__ import annotations

import json
from typing import Any

import yaml  # type: ignore[import-untyped]
from faststream.rabbit import RabbitBroker
from faststream.specification import AsyncAPI
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

VERSION = "1.0.0"


def document(service: str, broker: RabbitBroker) -> AsyncAPI:
    return AsyncAPI(broker, title=service, version=VERSION, schema_version="3.0.0")


def specification(service: str, broker: RabbitBroker) -> dict[str, Any]:
    """The document as a JSON value, without what is the deployment's own (which
    broker, which vhost), so every deployment of the code serves the same one."""
    spec: dict[str, Any] = document(service, broker).to_specification().to_jsonable()
    for server in spec.get("servers", {}).values():
        server["host"] = "rabbitmq:5672"
        server["pathname"] = "/"
    _neutral_vhosts(spec)
    return spec


def _neutral_vhosts(value: Any) -> None:
    if isinstance(value, dict):
        if "vhost" in value:
            value["vhost"] = "/"
        for item in value.values():
            _neutral_vhosts(item)
    elif isinstance(value, list):
        for item in value:
            _neutral_vhosts(item)


def rendered(service: str, broker: RabbitBroker) -> str:
    """The document as checked in: JSON with sorted keys, so a diff shows a change."""
    return json.dumps(specification(service, broker), indent=2, sort_keys=True) + "\n"


def routes(service: str, broker: RabbitBroker) -> list[BaseRoute]:
    """`/asyncapi.json` and `/asyncapi.yaml`."""

    async def as_json(_: Request) -> Response:
        return Response(rendered(service, broker), media_type="application/json")

    async def as_yaml(_: Request) -> Response:
        text = yaml.safe_dump(specification(service, broker), sort_keys=True)
        return Response(text, media_type="application/yaml")

    return [
        Route("/asyncapi.json", as_json, methods=["GET"]),
        Route("/asyncapi.yaml", as_yaml, methods=["GET"]),
    ]
