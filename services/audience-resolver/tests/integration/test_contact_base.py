"""The contact base kept current from `dialogs` and bulk imports: idempotent,
order-safe, and an opt-out holds until the person opts back in later."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import aio_pika
import pytest
from contracts.audience import (
    AllAudience,
    ContactsImportedV1,
    ContactUpsertedV1,
    MessageInboundV1,
)
from contracts.names import DIALOGS_EXCHANGE, INTERNAL_EXCHANGE, Queue, RoutingKey
from test_support.waiting import eventually

from ..conftest import ContactFactory, Resolver

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def upserted(tenant_id: str, external_id: str = "100", **fields: Any) -> ContactUpsertedV1:
    return ContactUpsertedV1(
        tenant_id=tenant_id,
        connection_id=fields.pop("connection_id", "tg-main"),
        channel=fields.pop("channel", "telegram"),
        external_id=external_id,
        **fields,
    )


def inbound(tenant_id: str, external_id: str, text: str, at: datetime) -> MessageInboundV1:
    return MessageInboundV1(
        tenant_id=tenant_id,
        connection_id="tg-main",
        external_id=external_id,
        text=text,
        received_at=at,
    )


async def upsert(resolver: Resolver, event: ContactUpsertedV1) -> None:
    await resolver.publish(
        event, exchange=DIALOGS_EXCHANGE, routing_key=RoutingKey.CONTACT_UPSERTED
    )


async def send_inbound(resolver: Resolver, event: MessageInboundV1) -> None:
    await resolver.publish(event, exchange=DIALOGS_EXCHANGE, routing_key=RoutingKey.MESSAGE_INBOUND)


async def stored(
    resolver: Resolver, tenant_id: str, external_id: str = "100", **expected: Any
) -> Any:
    """The contact once it shows `expected`."""

    async def shows() -> Any:
        row = await resolver.contact(tenant_id, "tg-main", external_id)
        if row is not None and all(row[k] == v for k, v in expected.items()):
            return row
        return None

    return await eventually(shows, what=f"contact {external_id} to show {expected}")


async def test_an_upsert_stores_the_dialog(resolver: Resolver, tenant_id: str) -> None:
    await upsert(
        resolver,
        upserted(
            tenant_id,
            name="Alice",
            labels=["vip"],
            functions_executed=["booking"],
            locale="en",
            attributes={"city": "Berlin", "orders": 3},
            last_inbound_at=T0,
            updated_at=T0,
        ),
    )
    row = await stored(resolver, tenant_id, name="Alice")
    assert row["channel"] == "telegram"
    assert row["labels"] == ["vip"]
    assert row["functions_executed"] == ["booking"]
    assert row["attributes"] == {"city": "Berlin", "orders": 3}
    assert row["last_inbound_at"] == T0
    assert row["opted_out_at"] is None


async def test_attribute_numbers_json_cannot_carry_are_stored_as_null(
    resolver: Resolver, tenant_id: str
) -> None:
    event = upserted(tenant_id, name="Nan", attributes={"score": 1.0, "cap": 2.0})
    body = event.model_dump_json().replace("1.0", "NaN").replace("2.0", "Infinity")
    await resolver.publish_raw(
        body.encode(), exchange=DIALOGS_EXCHANGE, routing_key=RoutingKey.CONTACT_UPSERTED
    )
    row = await stored(resolver, tenant_id, name="Nan")
    assert row["attributes"] == {"score": None, "cap": None}


async def test_the_same_upsert_twice_is_one_contact(resolver: Resolver, tenant_id: str) -> None:
    event = upserted(tenant_id, name="Alice", updated_at=T0)
    before = resolver.handled(Queue.RESOLVER_CONTACT_UPSERTED)
    await upsert(resolver, event)
    await upsert(resolver, event)
    await resolver.until_handled(Queue.RESOLVER_CONTACT_UPSERTED, before + 2)
    assert await resolver.stored_count(tenant_id) == 1


async def test_an_older_upsert_never_overwrites_newer_data(
    resolver: Resolver, tenant_id: str
) -> None:
    newer = upserted(tenant_id, name="New", labels=["vip"], last_inbound_at=T0, updated_at=T0)
    older = upserted(
        tenant_id,
        name="Old",
        labels=["lead"],
        last_inbound_at=T0 + timedelta(minutes=5),
        updated_at=T0 - timedelta(hours=1),
    )
    await upsert(resolver, newer)
    await stored(resolver, tenant_id, name="New")
    await upsert(resolver, older)
    # the older profile is ignored, but a later inbound time it carries is kept
    row = await stored(resolver, tenant_id, last_inbound_at=T0 + timedelta(minutes=5))
    assert (row["name"], row["labels"]) == ("New", ["vip"])


async def test_a_newer_upsert_replaces_the_profile_but_not_a_later_inbound(
    resolver: Resolver, tenant_id: str
) -> None:
    await upsert(resolver, upserted(tenant_id, name="Old", last_inbound_at=T0, updated_at=T0))
    await stored(resolver, tenant_id, name="Old")
    later = T0 + timedelta(hours=1)
    await upsert(
        resolver,
        upserted(tenant_id, name="New", last_inbound_at=T0 - timedelta(days=1), updated_at=later),
    )
    row = await stored(resolver, tenant_id, name="New")
    assert row["last_inbound_at"] == T0


async def test_an_upsert_without_updated_at_or_timestamp_counts_from_its_arrival(
    resolver: Resolver, tenant_id: str
) -> None:
    await upsert(resolver, upserted(tenant_id, name="Dated", updated_at=T0))
    await stored(resolver, tenant_id, name="Dated")
    await publish_upsert(resolver, upserted(tenant_id, name="Undated"), sent_at=None)
    await stored(resolver, tenant_id, name="Undated")


async def publish_upsert(
    resolver: Resolver, event: ContactUpsertedV1, *, sent_at: datetime | None
) -> None:
    """As a producer that sets the AMQP `timestamp` to `sent_at` (or sets none)."""
    body = event.model_dump_json().encode()
    if sent_at is None:  # faststream stamps what it publishes; a plain aio-pika message is bare
        connection = await aio_pika.connect(resolver.rabbitmq_url)
        async with connection:
            channel = await connection.channel()
            exchange = await channel.get_exchange(DIALOGS_EXCHANGE, ensure=False)
            await exchange.publish(
                aio_pika.Message(body, content_type="application/json"),
                routing_key=RoutingKey.CONTACT_UPSERTED,
            )
        return
    await resolver.publish_raw(
        body, exchange=DIALOGS_EXCHANGE, routing_key=RoutingKey.CONTACT_UPSERTED, timestamp=sent_at
    )


async def test_a_late_undated_older_upsert_never_overwrites_newer_data(
    resolver: Resolver, tenant_id: str
) -> None:
    """Neither has `updated_at`; the message timestamps (kept on redelivery) say
    which is newer, whichever arrives last."""
    newer = upserted(tenant_id, name="New", labels=["vip"])
    older = upserted(tenant_id, name="Old", labels=["lead"])
    await publish_upsert(resolver, newer, sent_at=T0 + timedelta(minutes=10))
    await stored(resolver, tenant_id, name="New")
    before = resolver.handled(Queue.RESOLVER_CONTACT_UPSERTED)
    await publish_upsert(resolver, older, sent_at=T0)
    await resolver.until_handled(Queue.RESOLVER_CONTACT_UPSERTED, before + 1)
    row = await resolver.contact(tenant_id, "tg-main", "100")
    assert (row["name"], row["labels"]) == ("New", ["vip"])
    assert row["profile_updated_at"] == T0 + timedelta(minutes=10)


@pytest.mark.parametrize(
    "text", ["STOP", " Stop! ", "\nsToP\t", "СТОП.", "Arrêt", "arret", "BASTA!!", "stopp", "alto"]
)
async def test_stop_opts_the_contact_out(resolver: Resolver, tenant_id: str, text: str) -> None:
    await upsert(resolver, upserted(tenant_id, updated_at=T0))
    await stored(resolver, tenant_id)
    at = T0 + timedelta(minutes=1)
    await send_inbound(resolver, inbound(tenant_id, "100", text, at))
    await stored(resolver, tenant_id, opted_out_at=at, last_inbound_at=at)
    estimate = await resolver.estimate(tenant_id, AllAudience())
    assert estimate.audience_size == 0


async def test_a_stop_inside_a_sentence_does_not_opt_out(
    resolver: Resolver, tenant_id: str
) -> None:
    await upsert(resolver, upserted(tenant_id, updated_at=T0))
    at = T0 + timedelta(minutes=1)
    await send_inbound(resolver, inbound(tenant_id, "100", "please don't stop sending", at))
    row = await stored(resolver, tenant_id, last_inbound_at=at)
    assert row["opted_out_at"] is None


async def test_start_after_stop_brings_the_contact_back_into_audiences(
    resolver: Resolver, tenant_id: str
) -> None:
    await upsert(resolver, upserted(tenant_id, updated_at=T0))
    await send_inbound(resolver, inbound(tenant_id, "100", "стоп", T0 + timedelta(minutes=1)))
    await stored(resolver, tenant_id, opted_out_at=T0 + timedelta(minutes=1))
    assert (await resolver.estimate(tenant_id, AllAudience())).audience_size == 0
    await send_inbound(resolver, inbound(tenant_id, "100", "Start!", T0 + timedelta(minutes=2)))
    await stored(resolver, tenant_id, opted_out_at=None, last_inbound_at=T0 + timedelta(minutes=2))
    assert (await resolver.estimate(tenant_id, AllAudience())).audience_size == 1


async def test_stop_and_start_count_by_their_time_whatever_order_they_arrive_in(
    resolver: Resolver, tenant_id: str
) -> None:
    async def handled(text: str, minutes: int) -> Any:
        before = resolver.handled(Queue.RESOLVER_MESSAGE_INBOUND)
        at = T0 + timedelta(minutes=minutes)
        await send_inbound(resolver, inbound(tenant_id, "100", text, at))
        await resolver.until_handled(Queue.RESOLVER_MESSAGE_INBOUND, before + 1)
        return (await resolver.contact(tenant_id, "tg-main", "100"))["opted_out_at"]

    assert await handled("STOP", 20) == T0 + timedelta(minutes=20)
    assert await handled("start", 10) == T0 + timedelta(minutes=20)  # received before the STOP
    assert await handled("STOP", 20) == T0 + timedelta(minutes=20)  # delivered again
    assert await handled("старт", 40) is None
    assert await handled("parar", 30) is None  # a STOP that arrives late
    assert await handled("старт", 40) is None  # delivered again
    assert await handled("Stopp", 40) == T0 + timedelta(minutes=40)  # STOP wins a tie
    assert await handled("START", 40) == T0 + timedelta(minutes=40)


async def test_an_import_row_opts_out_unless_the_person_opted_back_in_later(
    resolver: Resolver, tenant_id: str, contact: ContactFactory
) -> None:
    await send_inbound(resolver, inbound(tenant_id, "100", "START", T0 + timedelta(hours=1)))
    await stored(resolver, tenant_id, last_inbound_at=T0 + timedelta(hours=1))
    await resolver.import_contacts(tenant_id, [contact("100", opted_out=True)], imported_at=T0)
    assert (await resolver.contact(tenant_id, "tg-main", "100"))["opted_out_at"] is None
    later = T0 + timedelta(hours=2)
    await resolver.import_contacts(tenant_id, [contact("100", opted_out=True)], imported_at=later)
    assert (await resolver.contact(tenant_id, "tg-main", "100"))["opted_out_at"] == later


async def test_an_opt_out_before_the_dialog_is_known_survives_the_upsert(
    resolver: Resolver, tenant_id: str
) -> None:
    await send_inbound(resolver, inbound(tenant_id, "100", "STOP", T0))
    await stored(resolver, tenant_id, opted_out_at=T0)
    await upsert(resolver, upserted(tenant_id, name="Alice", updated_at=T0 + timedelta(days=1)))
    row = await stored(resolver, tenant_id, name="Alice")
    assert row["opted_out_at"] == T0
    assert row["last_inbound_at"] == T0


async def test_an_inbound_message_moves_last_inbound_forward_only(
    resolver: Resolver, tenant_id: str
) -> None:
    await upsert(resolver, upserted(tenant_id, last_inbound_at=T0, updated_at=T0))
    await stored(resolver, tenant_id)
    later = T0 + timedelta(hours=2)
    await send_inbound(resolver, inbound(tenant_id, "100", "hello", later))
    await stored(resolver, tenant_id, last_inbound_at=later)
    before = resolver.handled(Queue.RESOLVER_MESSAGE_INBOUND)
    await send_inbound(resolver, inbound(tenant_id, "100", "old news", T0 - timedelta(days=1)))
    await resolver.until_handled(Queue.RESOLVER_MESSAGE_INBOUND, before + 1)
    row = await stored(resolver, tenant_id)
    assert row["last_inbound_at"] == later
    assert row["opted_out_at"] is None


async def test_a_stop_delivered_again_changes_nothing(resolver: Resolver, tenant_id: str) -> None:
    await upsert(resolver, upserted(tenant_id, updated_at=T0))
    await stored(resolver, tenant_id)
    stop_at, wrote_at = T0 + timedelta(minutes=1), T0 + timedelta(minutes=5)
    stop = inbound(tenant_id, "100", "STOP", stop_at).model_dump_json().encode()
    message_id = uuid.uuid4().hex
    await resolver.publish_raw(
        stop,
        exchange=DIALOGS_EXCHANGE,
        routing_key=RoutingKey.MESSAGE_INBOUND,
        message_id=message_id,
    )
    await stored(resolver, tenant_id, opted_out_at=stop_at)
    await send_inbound(resolver, inbound(tenant_id, "100", "thanks", wrote_at))
    await stored(resolver, tenant_id, last_inbound_at=wrote_at)

    before = resolver.handled(Queue.RESOLVER_MESSAGE_INBOUND)
    await resolver.publish_raw(  # the broker delivers the STOP again, late
        stop,
        exchange=DIALOGS_EXCHANGE,
        routing_key=RoutingKey.MESSAGE_INBOUND,
        message_id=message_id,
    )
    await resolver.until_handled(Queue.RESOLVER_MESSAGE_INBOUND, before + 1)
    row = await resolver.contact(tenant_id, "tg-main", "100")
    assert (row["opted_out_at"], row["last_inbound_at"]) == (stop_at, wrote_at)
    assert await resolver.stored_count(tenant_id) == 1


async def test_an_import_batch_is_stored_whole(
    resolver: Resolver, tenant_id: str, contact: ContactFactory
) -> None:
    await resolver.import_contacts(
        tenant_id,
        [
            contact("1", name="first row"),
            contact("2", labels=["vip", "gold"], attributes={"tier": 2}),
            contact("1", name="last row wins"),
            contact("1", "wa-main", name="same person, other connection"),
            contact("3", opted_out=True),
        ],
    )
    assert await resolver.stored_count(tenant_id) == 4
    assert (await resolver.contact(tenant_id, "tg-main", "1"))["name"] == "last row wins"
    assert (await resolver.contact(tenant_id, "wa-main", "1"))["channel"] == "whatsapp"
    assert (await resolver.contact(tenant_id, "tg-main", "2"))["labels"] == ["vip", "gold"]
    assert (await resolver.contact(tenant_id, "tg-main", "3"))["opted_out_at"] is not None


async def test_an_import_older_than_an_upsert_keeps_the_upsert(
    resolver: Resolver, tenant_id: str, contact: ContactFactory
) -> None:
    await upsert(resolver, upserted(tenant_id, name="From the platform", updated_at=T0))
    await stored(resolver, tenant_id, name="From the platform")
    await resolver.import_contacts(
        tenant_id,
        [contact("100", name="From an old file", opted_out=False), contact("200")],
        imported_at=T0 - timedelta(days=1),
    )
    assert (await resolver.contact(tenant_id, "tg-main", "100"))["name"] == "From the platform"


async def test_an_import_batch_delivered_again_changes_nothing_newer(
    resolver: Resolver, tenant_id: str, contact: ContactFactory
) -> None:
    batch = ContactsImportedV1(
        tenant_id=tenant_id,
        import_id=uuid.uuid4().hex,
        batch_no=1,
        contacts=[contact("100", name="From the file", labels=["lead"]), contact("200")],
        imported_at=T0,
    )
    body, message_id = batch.model_dump_json().encode(), uuid.uuid4().hex
    await resolver.publish_raw(
        body,
        exchange=INTERNAL_EXCHANGE,
        routing_key=RoutingKey.CONTACTS_IMPORTED,
        message_id=message_id,
    )
    await stored(resolver, tenant_id, name="From the file")
    await upsert(
        resolver, upserted(tenant_id, name="From the platform", updated_at=T0 + timedelta(hours=1))
    )
    await send_inbound(resolver, inbound(tenant_id, "200", "STOP", T0 + timedelta(hours=1)))
    await stored(resolver, tenant_id, name="From the platform")
    await stored(resolver, tenant_id, "200", opted_out_at=T0 + timedelta(hours=1))

    before = resolver.handled(Queue.RESOLVER_CONTACTS_IMPORTED)
    await resolver.publish_raw(  # the broker delivers the batch again, late
        body,
        exchange=INTERNAL_EXCHANGE,
        routing_key=RoutingKey.CONTACTS_IMPORTED,
        message_id=message_id,
    )
    await resolver.until_handled(Queue.RESOLVER_CONTACTS_IMPORTED, before + 1)
    assert await resolver.stored_count(tenant_id) == 2
    row = await resolver.contact(tenant_id, "tg-main", "100")
    assert (row["name"], row["labels"]) == ("From the platform", [])
    assert (await resolver.contact(tenant_id, "tg-main", "200"))["opted_out_at"] is not None


async def test_a_bulk_import_refreshes_the_planners_statistics(
    resolver: Resolver, tenant_id: str, contact: ContactFactory
) -> None:
    """Its last batch says how many contacts it carried; a good share of the base
    gets the statistics (and the GIN pending entries) refreshed there and then."""
    refreshed = "audience_statistics_refresh_seconds_count"
    before = resolver.runtime.registry.get_sample_value(refreshed) or 0.0
    rows = [contact(str(n), labels=["vip"]) for n in range(400)]
    await resolver.import_contacts(tenant_id, rows[:200])
    await resolver.import_contacts(tenant_id, rows[200:], total_contacts=400)
    assert resolver.runtime.registry.get_sample_value(refreshed) == before + 1
    planned = await resolver.runtime.pool.fetchval(
        "SELECT reltuples FROM pg_class WHERE oid = 'contacts'::regclass"
    )
    assert planned >= 400


async def test_an_import_never_lifts_an_opt_out(
    resolver: Resolver, tenant_id: str, contact: ContactFactory
) -> None:
    await send_inbound(resolver, inbound(tenant_id, "100", "STOP", T0))
    await stored(resolver, tenant_id, opted_out_at=T0)
    await resolver.import_contacts(
        tenant_id, [contact("100", name="Imported", opted_out=False), contact("200")]
    )
    row = await resolver.contact(tenant_id, "tg-main", "100")
    assert (row["name"], row["opted_out_at"]) == ("Imported", T0)
