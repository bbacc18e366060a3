"""Snapshots at launch: one statement, taken once, streamed in numbered batches."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from contracts.audience import (
    AllAudience,
    ContactsAudience,
    FilterAudience,
    ListAudience,
    MessageInboundV1,
)
from contracts.audience import TestAudience as OwnDialogAudience  # not a test class
from contracts.names import DIALOGS_EXCHANGE, RoutingKey

from ..conftest import ContactFactory, Published, Resolver

pytestmark = pytest.mark.integration

INBOUND = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


async def test_batches_are_published_in_order_and_numbered_from_one(
    resolver: Resolver, published: Published, tenant_id: str, contact: ContactFactory
) -> None:
    await resolver.import_contacts(tenant_id, [contact(str(n)) for n in range(1, 26)])
    campaign_id = await resolver.request_snapshot(tenant_id, AllAudience(), batch_size=10)
    streamed = await published.snapshot(campaign_id)
    assert [b.batch_no for b in streamed.batches] == [1, 2, 3]
    assert [len(b.recipients) for b in streamed.batches] == [10, 10, 5]
    assert [r.recipient_no for r in streamed.recipients] == list(range(1, 26))
    assert streamed.external_ids == [str(n) for n in range(1, 26)]
    assert streamed.snapshotted.audience_size == 25
    assert streamed.snapshotted.batch_count == 3
    assert all(b.tenant_id == tenant_id for b in streamed.batches)


async def test_a_recipient_carries_what_messages_and_policies_need(
    resolver: Resolver, published: Published, tenant_id: str, contact: ContactFactory
) -> None:
    await resolver.import_contacts(
        tenant_id,
        [
            contact(
                "42",
                name="Alice",
                locale="de",
                labels=["vip"],
                attributes={"city": "Berlin", "orders": 3, "member": True},
                last_inbound_at=INBOUND,
            )
        ],
    )
    campaign_id = await resolver.request_snapshot(tenant_id, AllAudience())
    (recipient,) = (await published.snapshot(campaign_id)).recipients
    assert recipient.model_dump() == {
        "recipient_no": 1,
        "contact_id": "tg-main:42",
        "external_id": "42",
        "name": "Alice",
        "locale": "de",
        "labels": ["vip"],
        "attributes": {"city": "Berlin", "orders": 3, "member": True},
        "last_inbound_at": INBOUND,
    }


async def test_the_same_request_twice_is_one_snapshot_streamed_again(
    resolver: Resolver, published: Published, tenant_id: str, contact: ContactFactory
) -> None:
    await resolver.import_contacts(tenant_id, [contact("1"), contact("2")])
    campaign_id = uuid.uuid4()
    await resolver.request_snapshot(tenant_id, AllAudience(), campaign_id=campaign_id)
    first = await published.snapshot(campaign_id)

    # after launch: a new contact, and a recipient who opts out
    await resolver.import_contacts(tenant_id, [contact("3")])
    await resolver.publish(
        MessageInboundV1(
            tenant_id=tenant_id,
            connection_id="tg-main",
            external_id="1",
            text="STOP",
            received_at=INBOUND,
        ),
        exchange=DIALOGS_EXCHANGE,
        routing_key=RoutingKey.MESSAGE_INBOUND,
    )
    await resolver.request_snapshot(tenant_id, AllAudience(), campaign_id=campaign_id)
    again = await published.snapshot(campaign_id, times=2)

    assert first.external_ids == again.external_ids == ["1", "2"]
    assert again.snapshotted.snapshotted_at == first.snapshotted.snapshotted_at
    assert again.snapshotted.audience_size == 2
    rows = await resolver.runtime.pool.fetchval(
        "SELECT count(*) FROM recipients WHERE campaign_id = $1", campaign_id
    )
    assert rows == 2

    later = await resolver.request_snapshot(tenant_id, AllAudience())
    assert (await published.snapshot(later)).external_ids == ["2", "3"]


async def test_a_request_delivered_twice_at_once_is_still_one_snapshot(
    resolver: Resolver, published: Published, tenant_id: str, contact: ContactFactory
) -> None:
    await resolver.import_contacts(tenant_id, [contact("1"), contact("2"), contact("3")])
    campaign_id = uuid.uuid4()
    for _ in range(2):
        await resolver.request_snapshot(tenant_id, AllAudience(), campaign_id=campaign_id)
    await published.snapshot(campaign_id, times=2)
    streams = [s for s in published.snapshotted if s.campaign_id == campaign_id]
    assert {(s.audience_size, s.snapshotted_at) for s in streams} == {
        (3, streams[0].snapshotted_at)
    }
    recipients = await resolver.runtime.pool.fetchval(
        "SELECT count(*) FROM recipients WHERE campaign_id = $1", campaign_id
    )
    assert recipients == 3


async def test_a_list_keeps_its_order_and_reports_ids_without_a_dialog(
    resolver: Resolver, published: Published, tenant_id: str, contact: ContactFactory
) -> None:
    await resolver.import_contacts(
        tenant_id,
        [
            contact("1"),
            contact("2"),
            contact("3", opted_out=True),
            contact("4", "wa-main"),
            contact("5"),
        ],
    )
    audience = ListAudience(external_ids="5, 404 1\n4 3 2 405")
    campaign_id = await resolver.request_snapshot(tenant_id, audience)
    streamed = await published.snapshot(campaign_id)
    assert streamed.external_ids == ["5", "1", "2"]
    assert [r.recipient_no for r in streamed.recipients] == [1, 2, 3]
    # 4 has a dialog on another connection only; 3 is known, but opted out
    assert streamed.snapshotted.unknown_external_ids == ["404", "4", "405"]
    assert streamed.snapshotted.unknown_count == 3
    assert streamed.snapshotted.opted_out_external_ids == ["3"]
    assert streamed.snapshotted.opted_out_count == 1


async def test_a_snapshot_streamed_again_carries_the_recipients_as_they_were_at_launch(
    resolver: Resolver, published: Published, tenant_id: str, contact: ContactFactory
) -> None:
    await resolver.import_contacts(
        tenant_id,
        [
            contact("1", name="Alice", locale="de", labels=["vip"], attributes={"city": "Berlin"}),
            contact("2", name="Bob", last_inbound_at=INBOUND),
        ],
        imported_at=INBOUND,
    )
    campaign_id = uuid.uuid4()
    await resolver.request_snapshot(tenant_id, AllAudience(), campaign_id=campaign_id)
    first = await published.snapshot(campaign_id)

    later = INBOUND + timedelta(days=1)
    await resolver.import_contacts(
        tenant_id,
        [
            contact("1", name="Alicia", locale="es", labels=["lead"], attributes={"city": "Rome"}),
            contact("2", name="Robert"),
        ],
        imported_at=later,
    )
    assert (await resolver.contact(tenant_id, "tg-main", "1"))["name"] == "Alicia"
    await resolver.request_snapshot(tenant_id, AllAudience(), campaign_id=campaign_id)
    again = await published.snapshot(campaign_id, times=2)
    assert again.recipients == first.recipients
    assert [(r.name, r.locale, r.labels, r.attributes) for r in again.recipients] == [
        ("Alice", "de", ["vip"], {"city": "Berlin"}),
        ("Bob", None, [], {}),
    ]


async def test_an_uploaded_list_keeps_its_first_places_and_reports_by_reason(
    resolver: Resolver, published: Published, tenant_id: str, contact: ContactFactory
) -> None:
    await resolver.import_contacts(
        tenant_id,
        [
            contact("1"),
            contact("2"),
            contact("3", opted_out=True),
            contact("4", "wa-main"),
            contact("5"),
        ],
    )
    ids = ["5", "404", "1", "5", "4", "3", "2", "1", "405", "2"]
    uploaded = await resolver.upload_list(tenant_id, ids, part_size=3)
    assert (uploaded.ids, uploaded.duplicates, uploaded.stored_parts) == (7, 3, 4)
    assert uploaded.estimate is not None
    assert uploaded.estimate.by_connection == {"tg-main": 3, "wa-main": 1}
    assert uploaded.estimate.unknown_external_ids == ["404", "405"]
    assert uploaded.estimate.opted_out_external_ids == ["3"]

    audience = ListAudience(list_id=uploaded.list_id)
    streamed = await published.snapshot(await resolver.request_snapshot(tenant_id, audience))
    assert streamed.external_ids == ["5", "1", "2"]
    assert streamed.snapshotted.unknown_external_ids == ["404", "4", "405"]
    assert streamed.snapshotted.opted_out_external_ids == ["3"]
    assert streamed.snapshotted.error is None


async def test_a_list_another_tenant_uploaded_is_an_empty_snapshot_saying_why(
    resolver: Resolver, published: Published, tenant_id: str, contact: ContactFactory
) -> None:
    await resolver.import_contacts(tenant_id, [contact("1")])
    theirs = await resolver.upload_list(f"{tenant_id}-other", ["1"], part_size=10)
    audience = ListAudience(list_id=theirs.list_id)
    streamed = await published.snapshot(await resolver.request_snapshot(tenant_id, audience))
    assert (streamed.batches, streamed.snapshotted.audience_size) == ([], 0)
    assert streamed.snapshotted.error is not None
    assert str(theirs.list_id) in streamed.snapshotted.error


async def test_selected_dialogs_of_other_connections_are_left_out(
    resolver: Resolver, published: Published, tenant_id: str, contact: ContactFactory
) -> None:
    await resolver.import_contacts(
        tenant_id, [contact("1"), contact("2"), contact("3"), contact("1", "wa-main")]
    )
    audience = ContactsAudience(contact_ids=["tg-main:3", "wa-main:1", "tg-main:1", "tg-main:9"])
    streamed = await published.snapshot(await resolver.request_snapshot(tenant_id, audience))
    assert [r.contact_id for r in streamed.recipients] == ["tg-main:3", "tg-main:1"]
    assert streamed.snapshotted.unknown_count == 0


async def test_a_test_audience_is_the_one_dialog(
    resolver: Resolver, published: Published, tenant_id: str, contact: ContactFactory
) -> None:
    await resolver.import_contacts(tenant_id, [contact("1"), contact("2")])
    campaign_id = await resolver.request_snapshot(tenant_id, OwnDialogAudience(external_id="2"))
    assert (await published.snapshot(campaign_id)).external_ids == ["2"]


async def test_an_audience_nobody_matches_is_an_empty_snapshot(
    resolver: Resolver, published: Published, tenant_id: str, contact: ContactFactory
) -> None:
    await resolver.import_contacts(tenant_id, [contact("1")])
    audience = FilterAudience(labels_any=["nobody-has-this"])
    streamed = await published.snapshot(await resolver.request_snapshot(tenant_id, audience))
    assert streamed.batches == []
    assert (streamed.snapshotted.audience_size, streamed.snapshotted.batch_count) == (0, 0)


async def test_all_is_every_reachable_dialog_of_the_connection_in_contact_order(
    resolver: Resolver, published: Published, tenant_id: str, contact: ContactFactory
) -> None:
    await resolver.import_contacts(tenant_id, [contact("b"), contact("a", "wa-main")])
    await resolver.import_contacts(tenant_id, [contact("c"), contact("a", opted_out=True)])
    await resolver.import_contacts(tenant_id, [contact("0")])
    streamed = await published.snapshot(await resolver.request_snapshot(tenant_id, AllAudience()))
    assert streamed.external_ids == ["b", "c", "0"]
