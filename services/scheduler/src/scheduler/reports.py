"""delivery.reported.v1 from the scheduler itself, for deliveries that end
without being sent (a chain cut short, the monthly limit, a cancel), so every
delivery of a campaign ends with a status campaign-api can show."""

from __future__ import annotations

from contracts.dispatch import DeliveriesReportedV1, DeliveryResult
from contracts.names import INTERNAL_EXCHANGE, RoutingKey
from service_kit.outbox import OutgoingMessage

from .domain.model import CampaignRun

REPORT_BATCH = 1000
"""Results per message: a cancel of a million waiting deliveries is a thousand
messages of bounded size, not one huge one."""


def report_messages(run: CampaignRun, results: list[DeliveryResult]) -> list[OutgoingMessage]:
    return [
        OutgoingMessage(
            INTERNAL_EXCHANGE,
            RoutingKey.DELIVERY_REPORTED,
            DeliveriesReportedV1(
                tenant_id=run.tenant_id,
                connection_id=run.connection_id,
                results=results[i : i + REPORT_BATCH],
            ),
        )
        for i in range(0, len(results), REPORT_BATCH)
    ]
