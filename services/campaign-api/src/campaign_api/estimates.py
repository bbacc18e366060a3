"""Asking the audience-resolver how many an audience matches now (request/reply)."""

from __future__ import annotations

from contracts.audience import Audience, AudienceEstimateRequestedV1, AudienceEstimateV1
from contracts.names import INTERNAL_EXCHANGE, RoutingKey
from faststream.rabbit import RabbitBroker
from service_kit.publishing import encode

from .domain.model import Refusal


async def estimate(
    broker: RabbitBroker,
    *,
    tenant_id: str,
    connection_id: str | None,
    audience: Audience,
    wait_seconds: float,
) -> AudienceEstimateV1:
    request = AudienceEstimateRequestedV1(
        tenant_id=tenant_id, connection_id=connection_id, audience=audience
    )
    try:
        reply = await broker.request(
            encode(request),
            exchange=INTERNAL_EXCHANGE,
            routing_key=RoutingKey.AUDIENCE_ESTIMATE,
            timeout=wait_seconds,
            content_type="application/json",
            message_type=RoutingKey.AUDIENCE_ESTIMATE,
        )
    except TimeoutError:
        raise Refusal(
            "the audience-resolver did not answer in time; try again in a moment",
            "estimate_unavailable",
            status=503,
        ) from None
    return AudienceEstimateV1.model_validate_json(reply.body)
