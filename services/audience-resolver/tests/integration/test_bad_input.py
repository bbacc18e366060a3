"""Bad input never stops the resolver: it goes to the queue's dead-letter queue,
saying why when it cannot be decoded, and the next message is handled."""

from __future__ import annotations

import json
import secrets
import uuid
from datetime import UTC, datetime

import pytest
from contracts.audience import AllAudience, ContactsImportedV1
from contracts.names import DIALOGS_EXCHANGE, INTERNAL_EXCHANGE, Queue, RoutingKey

from ..conftest import ContactFactory, DeadLetters, Published, Resolver

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    ("queue", "exchange", "routing_key", "body"),
    [
        (
            Queue.RESOLVER_SNAPSHOT,
            INTERNAL_EXCHANGE,
            RoutingKey.AUDIENCE_SNAPSHOT,
            b"not json",
        ),
        (
            Queue.RESOLVER_SNAPSHOT,
            INTERNAL_EXCHANGE,
            RoutingKey.AUDIENCE_SNAPSHOT,
            json.dumps(
                {
                    "campaign_id": "not-a-uuid",
                    "tenant_id": "acme",
                    "connection_id": "tg-main",
                    "audience": {"kind": "everyone"},
                }
            ).encode(),
        ),
        (
            Queue.RESOLVER_CONTACT_UPSERTED,
            DIALOGS_EXCHANGE,
            RoutingKey.CONTACT_UPSERTED,
            b'{"tenant_id": "acme", "external_id": "1"}',
        ),
        (
            Queue.RESOLVER_CONTACTS_IMPORTED,
            INTERNAL_EXCHANGE,
            RoutingKey.CONTACTS_IMPORTED,
            b'{"tenant_id": "acme", "import_id": "x", "batch_no": 0, "contacts": []}',
        ),
    ],
    ids=["not json", "bad snapshot request", "upsert without fields", "bad import batch"],
)
async def test_an_invalid_message_is_dead_lettered_with_the_reason(
    resolver: Resolver,
    dead_letters: DeadLetters,
    queue: str,
    exchange: str,
    routing_key: str,
    body: bytes,
) -> None:
    message_id = uuid.uuid4().hex
    await resolver.publish_raw(
        body, exchange=exchange, routing_key=routing_key, message_id=message_id
    )
    dead = await dead_letters.find(queue, message_id)
    assert dead.body == body
    assert "invalid" in str(dead.headers["x-dead-letter-reason"])


async def test_values_postgresql_refuses_are_dead_lettered_and_the_next_is_handled(
    resolver: Resolver,
    dead_letters: DeadLetters,
    published: Published,
    tenant_id: str,
    contact: ContactFactory,
) -> None:
    message_id = uuid.uuid4().hex
    body = json.dumps(
        {
            "tenant_id": tenant_id,
            "connection_id": "tg-main",
            "channel": "telegram",
            "external_id": "12\u000034",
        }
    ).encode()
    await resolver.publish_raw(
        body,
        exchange=DIALOGS_EXCHANGE,
        routing_key=RoutingKey.CONTACT_UPSERTED,
        message_id=message_id,
    )
    assert (await dead_letters.find(Queue.RESOLVER_CONTACT_UPSERTED, message_id)).body == body

    await resolver.import_contacts(tenant_id, [contact("1")])
    streamed = await published.snapshot(await resolver.request_snapshot(tenant_id, AllAudience()))
    assert streamed.external_ids == ["1"]


async def test_an_import_batch_with_rows_postgresql_refuses_keeps_the_other_rows(
    resolver: Resolver, tenant_id: str, contact: ContactFactory
) -> None:
    """A producer other than the API may send values PostgreSQL refuses: the batch
    is then stored row by row, and only the refused rows are dropped (and counted)."""
    dropped = "audience_import_rows_dropped_total"
    before = resolver.runtime.registry.get_sample_value(dropped) or 0.0
    rows = [
        contact("1", name="fine"),
        contact("2", name="NUL \u0000 inside"),
        contact("3", labels=[secrets.token_hex(4000)]),  # too long for an index entry
        contact("4", name="fine too"),
    ]
    batch = ContactsImportedV1(
        tenant_id=tenant_id,
        import_id=uuid.uuid4().hex,
        batch_no=1,
        contacts=rows,
        imported_at=datetime.now(UTC),
    )
    handled = resolver.handled(Queue.RESOLVER_CONTACTS_IMPORTED)
    await resolver.publish(
        batch, exchange=INTERNAL_EXCHANGE, routing_key=RoutingKey.CONTACTS_IMPORTED
    )
    await resolver.until_handled(Queue.RESOLVER_CONTACTS_IMPORTED, handled + 1)
    stored = await resolver.runtime.pool.fetch(
        "SELECT external_id FROM contacts WHERE tenant_id = $1 ORDER BY external_id", tenant_id
    )
    assert [row["external_id"] for row in stored] == ["1", "4"]
    assert resolver.runtime.registry.get_sample_value(dropped) == before + 2


@pytest.mark.parametrize(
    ("queue", "routing_key", "fields", "why"),
    [
        (
            Queue.RESOLVER_CONTACT_UPSERTED,
            RoutingKey.CONTACT_UPSERTED,
            {"channel": "telegram", "last_inbound_at": "9999-12-31T00:00:00Z"},
            "last_inbound_at 9999-12-31T00:00:00+00:00 is more than 0:05:00 ahead",
        ),
        (
            Queue.RESOLVER_CONTACT_UPSERTED,
            RoutingKey.CONTACT_UPSERTED,
            {"channel": "telegram", "updated_at": "2999-01-01T00:00:00Z"},
            "updated_at 2999-01-01T00:00:00+00:00 is more than 0:05:00 ahead",
        ),
        (
            Queue.RESOLVER_MESSAGE_INBOUND,
            RoutingKey.MESSAGE_INBOUND,
            {"text": "hi", "received_at": "9999-12-31T00:00:00Z"},
            "received_at 9999-12-31T00:00:00+00:00 is more than 0:05:00 ahead",
        ),
    ],
    ids=["upsert last_inbound_at", "upsert updated_at", "inbound received_at"],
)
async def test_a_time_ahead_of_the_clock_is_dead_lettered_once_with_the_reason(
    resolver: Resolver,
    dead_letters: DeadLetters,
    tenant_id: str,
    queue: str,
    routing_key: str,
    fields: dict[str, str],
    why: str,
) -> None:
    """A person who "wrote" in year 9999 would match "wrote within 7 days" forever."""
    body = {"tenant_id": tenant_id, "connection_id": "tg-main", "external_id": "77", **fields}
    message_id = uuid.uuid4().hex
    await resolver.publish_raw(
        json.dumps(body).encode(),
        exchange=DIALOGS_EXCHANGE,
        routing_key=routing_key,
        message_id=message_id,
    )
    dead = await dead_letters.find(queue, message_id)
    assert why in str(dead.headers["x-dead-letter-reason"])
    assert "x-death" not in dead.headers  # not RabbitMQ's delivery limit
    stored = await resolver.runtime.pool.fetchval(
        "SELECT count(*) FROM contacts WHERE tenant_id = $1", tenant_id
    )
    assert stored == 0


@pytest.mark.parametrize(
    ("queue", "routing_key", "fields"),
    [
        (Queue.RESOLVER_CONTACT_UPSERTED, RoutingKey.CONTACT_UPSERTED, {"channel": "telegram"}),
        (
            Queue.RESOLVER_MESSAGE_INBOUND,
            RoutingKey.MESSAGE_INBOUND,
            {"text": "STOP", "received_at": "2026-01-01T00:00:00Z"},
        ),
    ],
    ids=["upsert", "inbound"],
)
async def test_a_tenant_that_does_not_exist_is_dead_lettered_once_with_the_reason(
    resolver: Resolver,
    dead_letters: DeadLetters,
    queue: str,
    routing_key: str,
    fields: dict[str, str],
) -> None:
    """Nothing is stored for a tenant nobody created; once it exists, the same
    message is stored."""
    tenant = f"nobody-{uuid.uuid4().hex[:8]}"
    body = json.dumps(
        {"tenant_id": tenant, "connection_id": "tg-main", "external_id": "77", **fields}
    ).encode()
    message_id = uuid.uuid4().hex
    await resolver.publish_raw(
        body, exchange=DIALOGS_EXCHANGE, routing_key=routing_key, message_id=message_id
    )
    dead = await dead_letters.find(queue, message_id)
    assert f"tenant_id '{tenant}' names no tenant" in str(dead.headers["x-dead-letter-reason"])
    assert "x-death" not in dead.headers  # refused at once, not at RabbitMQ's delivery limit
    count = "SELECT count(*) FROM contacts WHERE tenant_id = $1"
    assert await resolver.runtime.pool.fetchval(count, tenant) == 0

    await resolver.announce_tenant(tenant)
    handled = resolver.handled(queue)
    await resolver.publish_raw(body, exchange=DIALOGS_EXCHANGE, routing_key=routing_key)
    await resolver.until_handled(queue, handled + 1)
    assert await resolver.runtime.pool.fetchval(count, tenant) == 1
