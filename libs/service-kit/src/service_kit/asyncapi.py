"""A service's AsyncAPI document: what it consumes and publishes, as faststream
describes its broker.  Served on the service's HTTP port; `make asyncapi` writes
each service's to `docs/asyncapi/<service>.json`."""

from __future__ import annotations

import json

from faststream.rabbit import RabbitBroker
from faststream.specification import AsyncAPI
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

VERSION = "1.0.0"


def document(service: str, broker: RabbitBroker) -> AsyncAPI:
    return AsyncAPI(broker, title=service, version=VERSION, schema_version="3.0.0")


def rendered(service: str, broker: RabbitBroker) -> str:
    """The document as checked in: JSON with sorted keys, so a diff shows a change.
    The server's URL (which broker, which vhost) is the deployment's, left out."""
    spec = document(service, broker).to_specification().to_jsonable()
    for server in spec.get("servers", {}).values():
        server["host"] = "rabbitmq:5672"
        server["pathname"] = "/"
    return json.dumps(spec, indent=2, sort_keys=True) + "\n"


def routes(service: str, broker: RabbitBroker) -> list[BaseRoute]:
    """`/asyncapi.json` and `/asyncapi.yaml`."""

    async def as_json(_: Request) -> Response:
        return Response(rendered(service, broker), media_type="application/json")

    async def as_yaml(_: Request) -> Response:
        text = document(service, broker).to_specification().to_yaml()
        return Response(text, media_type="application/yaml")

    return [
        Route("/asyncapi.json", as_json, methods=["GET"]),
        Route("/asyncapi.yaml", as_yaml, methods=["GET"]),
    ]
