"""A connection's own wording of the WhatsApp STOP hint (`limits.stop_hint`, by
language): stored, shown, sent on to the dispatchers, and refused with the field
named when it is empty, too long, names no word that opts out or no language."""

from __future__ import annotations

import asyncio
from typing import Any

import aio_pika
import pytest
from contracts.names import INTERNAL_EXCHANGE, RoutingKey
from contracts.optout import STOP_HINT_MAX_LENGTH
from contracts.tenants import ConnectionUpdatedV1

from .conftest import Api, Tenant

pytestmark = pytest.mark.integration

WORDING = {"en": "Text STOP to opt out.", "ru": "Напишите СТОП, чтобы отписаться."}


def whatsapp(**limits: Any) -> dict[str, Any]:
    return {
        "channel": "whatsapp",
        "credentials": {"access_token": "EAAG-stop-hint-test", "phone_number_id": "1055501"},
        "limits": limits,
    }


async def test_a_connections_own_hint_is_stored_shown_and_sent_on(api: Api, tenant: Tenant) -> None:
    connection = await aio_pika.connect(api.rabbitmq_url)
    async with connection:
        channel = await connection.channel()
        updates = await channel.declare_queue("", exclusive=True)
        await updates.bind(INTERNAL_EXCHANGE, RoutingKey.CONNECTION_UPDATED)
        await api.call(
            tenant.admin,
            "PUT",
            "/v1/connections/wa-hint",
            json=whatsapp(stop_hint=WORDING),
            expect=201,
        )
        shown = await api.call(tenant.admin, "GET", "/v1/connections/wa-hint", expect=200)
        assert shown.json()["limits"]["stop_hint"] == WORDING
        async with asyncio.timeout(10), updates.iterator() as messages:
            async for message in messages:
                await message.ack()
                event = ConnectionUpdatedV1.model_validate_json(message.body)
                if event.tenant_id == tenant.id and event.connection_id == "wa-hint":
                    assert event.limits.stop_hint == WORDING
                    break


@pytest.mark.parametrize(
    ("stop_hint", "field", "says"),
    [
        ({"en": ""}, "limits.stop_hint.en", "at least 1 character"),
        ({"en": "   "}, "limits.stop_hint.en", "at least 1 character"),
        (
            {"de": "STOPP " + "x" * STOP_HINT_MAX_LENGTH},
            "limits.stop_hint.de",
            f"at most {STOP_HINT_MAX_LENGTH} characters",
        ),
        ({"en": "Reply to unsubscribe."}, "limits.stop_hint.en", "must name a word that opts out"),
        ({"English": "Reply STOP."}, "limits.stop_hint.English", "pattern"),
    ],
)
async def test_a_bad_hint_is_refused_naming_the_field(
    api: Api, tenant: Tenant, stop_hint: dict[str, str], field: str, says: str
) -> None:
    refused = await api.call(
        tenant.admin, "PUT", "/v1/connections/wa-bad", json=whatsapp(stop_hint=stop_hint)
    )
    assert refused.status_code == 422, refused.text
    (error,) = refused.json()["errors"]
    assert error["field"].startswith(field), error
    assert says in error["message"], error
    missing = await api.call(tenant.admin, "GET", "/v1/connections/wa-bad")
    assert missing.status_code == 404
