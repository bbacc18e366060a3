"""How upserts, import rows and inbound messages become changes of the base."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from audience_resolver.domain import (
    activity_of,
    changes_of_import,
    changes_of_upsert,
    refreshes_statistics,
    time_ahead,
)
from contracts.audience import (
    ContactRecord,
    ContactsImportedV1,
    ContactUpsertedV1,
    MessageInboundV1,
)

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "command"),
    [
        (" Stop ", "stop"),
        ("СТОП.", "stop"),
        ("arret", "stop"),
        ("Start!", "start"),
        ("старт", "start"),
        ("please don't stop sending", None),
        (None, None),
    ],
)
def test_an_inbound_message_is_activity_and_maybe_an_opt_out_or_in(
    text: str | None, command: str | None
) -> None:
    message = MessageInboundV1(
        tenant_id="acme",
        connection_id="wa-main",
        external_id="49151",
        text=text,
        received_at=NOW,
    )
    activity = activity_of(message)
    assert activity.command == command
    assert activity.received_at == NOW
    assert activity.channel is None


def test_an_upsert_is_as_recent_as_its_updated_at_else_its_sending_else_its_arrival() -> None:
    event = ContactUpsertedV1(
        tenant_id="acme",
        connection_id="tg-main",
        channel="telegram",
        external_id="1",
        updated_at=NOW - timedelta(hours=1),
    )
    sent = NOW - timedelta(minutes=30)
    assert changes_of_upsert(event, sent_at=sent, received_at=NOW).updated_at == event.updated_at
    undated = event.model_copy(update={"updated_at": None})
    assert changes_of_upsert(undated, sent_at=sent, received_at=NOW).updated_at == sent
    assert changes_of_upsert(undated, sent_at=None, received_at=NOW).updated_at == NOW


def batch_of(size: int, total: int | None) -> ContactsImportedV1:
    rows = [
        ContactRecord(connection_id="tg-main", channel="telegram", external_id=str(n))
        for n in range(size)
    ]
    return ContactsImportedV1(
        tenant_id="acme",
        import_id="i-1",
        batch_no=3,
        contacts=rows,
        imported_at=NOW,
        total_contacts=total,
    )


@pytest.mark.parametrize(
    ("total", "base_size", "refreshes"),
    [
        (None, 1_000_000, False),  # not the last batch
        (3000, -1, True),  # the planner never counted the base
        (10, -1, False),  # a handful of rows does not matter
        (200_000, 1_000_000, True),
        (50_000, 1_000_000, False),
    ],
)
def test_a_bulk_import_refreshes_the_statistics_when_it_changed_a_good_share(
    total: int | None, base_size: float, refreshes: bool
) -> None:
    assert refreshes_statistics(batch_of(3, total), base_size=base_size) is refreshes


def test_an_upsert_is_the_dialogs_record_and_never_an_opt_out() -> None:
    event = ContactUpsertedV1(
        tenant_id="acme",
        connection_id="tg-main",
        channel="telegram",
        external_id="1",
        name="Alice",
        labels=["vip"],
        functions_executed=["booking"],
        last_inbound_at=NOW,
        locale="en",
        attributes={"city": "Berlin"},
    )
    (record,) = changes_of_upsert(event, sent_at=None, received_at=NOW).records
    assert record == ContactRecord(
        connection_id="tg-main",
        channel="telegram",
        external_id="1",
        name="Alice",
        labels=["vip"],
        functions_executed=["booking"],
        last_inbound_at=NOW,
        locale="en",
        attributes={"city": "Berlin"},
        opted_out=None,
    )


def test_an_import_keeps_the_last_row_of_a_dialog_in_the_place_of_its_first() -> None:
    rows = [
        ContactRecord(connection_id="tg-main", channel="telegram", external_id="2", name="first"),
        ContactRecord(connection_id="tg-main", channel="telegram", external_id="1"),
        ContactRecord(connection_id="tg-main", channel="telegram", external_id="2", name="last"),
        ContactRecord(connection_id="tg-alt", channel="telegram", external_id="1"),
    ]
    batch = ContactsImportedV1(
        tenant_id="acme", import_id="i-1", batch_no=1, contacts=rows, imported_at=NOW
    )
    changes = changes_of_import(batch)
    assert [(r.connection_id, r.external_id, r.name) for r in changes.records] == [
        ("tg-main", "2", "last"),
        ("tg-main", "1", None),
        ("tg-alt", "1", None),
    ]
    assert changes.updated_at == NOW


def test_a_time_beyond_the_clock_skew_is_refused_naming_it() -> None:
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    assert time_ahead(now, last_inbound_at=now + timedelta(minutes=4), updated_at=None) is None
    assert time_ahead(now, received_at=now - timedelta(days=400)) is None
    why = time_ahead(now, last_inbound_at=None, updated_at=now + timedelta(minutes=6))
    assert why is not None
    assert why.startswith("updated_at 2026-11-23T12:06:00+00:00 is more than 0:05:00 ahead")
