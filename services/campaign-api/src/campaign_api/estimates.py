"""Asking the audience-resolver (request/reply): how many an audience matches
now, whether an uploaded list is stored whole, and a page of the dialog list."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from uuid import UUID

from contracts.audience import (
    Audience,
    AudienceDialogsRequestedV1,
    AudienceDialogsV1,
    AudienceEstimateRequestedV1,
    AudienceEstimateV1,
    AudienceListCloseRequestedV1,
    AudienceListV1,
)
from contracts.names import INTERNAL_EXCHANGE, RoutingKey
from faststream.rabbit import RabbitBroker
from pydantic import BaseModel
from service_kit.publishing import encode

from .domain.model import Refusal

LIST_POLL_SECONDS = 0.1


def _unavailable(code: str) -> Refusal:
    return Refusal(
        "the audience-resolver did not answer in time; try again in a moment", code, status=503
    )


async def ask(
    broker: RabbitBroker, request: BaseModel, routing_key: str, wait_seconds: float
) -> bytes:
    """The body of the reply to `request`; raises TimeoutError when none comes
    within `wait_seconds`."""
    reply = await broker.request(
        encode(request),
        exchange=INTERNAL_EXCHANGE,
        routing_key=routing_key,
        timeout=wait_seconds,
        content_type="application/json",
        message_type=routing_key,
    )
    body: bytes = reply.body
    return body


async def _ask(
    broker: RabbitBroker,
    request: BaseModel,
    routing_key: str,
    wait_seconds: float,
    unavailable: str = "estimate_unavailable",
) -> bytes:
    try:
        return await ask(broker, request, routing_key, wait_seconds)
    except TimeoutError:
        raise _unavailable(unavailable) from None


async def estimate(
    broker: RabbitBroker,
    *,
    tenant_id: str,
    connection_id: str | None,
    audience: Audience,
    wait_seconds: float,
    sample_size: int = 0,
    window_since: datetime | None = None,
) -> AudienceEstimateV1:
    """How many `audience` reaches now, and its first `sample_size` contacts; with
    `window_since`, the pre-flight's counts by zone and reply window (`groups`)."""
    request = AudienceEstimateRequestedV1(
        tenant_id=tenant_id,
        connection_id=connection_id,
        audience=audience,
        sample_size=sample_size,
        window_since=window_since,
    )
    body = await _ask(broker, request, RoutingKey.AUDIENCE_ESTIMATE, wait_seconds)
    return AudienceEstimateV1.model_validate_json(body)


async def close_list(
    broker: RabbitBroker,
    *,
    list_id: UUID,
    tenant_id: str,
    part_count: int,
    connection_id: str | None,
    wait_seconds: float,
    store_seconds: float,
) -> AudienceListV1:
    """Once every part of an uploaded list is published: ask until the resolver
    says it stored them all (within `store_seconds`), and what the list holds."""
    request = AudienceListCloseRequestedV1(
        list_id=list_id, tenant_id=tenant_id, part_count=part_count, connection_id=connection_id
    )
    deadline = time.monotonic() + store_seconds
    while True:
        body = await _ask(broker, request, RoutingKey.AUDIENCE_LIST_CLOSE, wait_seconds)
        state = AudienceListV1.model_validate_json(body)
        if state.complete:
            return state
        if time.monotonic() > deadline:
            raise Refusal(
                f"the audience-resolver stored {state.stored_parts} of the list's "
                f"{part_count} parts in {store_seconds:.0f} s; upload the list again",
                "list_unavailable",
                status=503,
            )
        await asyncio.sleep(LIST_POLL_SECONDS)


async def dialogs(
    broker: RabbitBroker, request: AudienceDialogsRequestedV1, *, wait_seconds: float
) -> AudienceDialogsV1:
    """One page of the dialog list, as the audience-resolver answers it."""
    body = await _ask(
        broker, request, RoutingKey.AUDIENCE_DIALOGS, wait_seconds, "dialogs_unavailable"
    )
    return AudienceDialogsV1.model_validate_json(body)
