"""Estimates: how many an audience matches now, per connection, as a reply."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from contracts.audience import AllAudience, ContactsAudience, FilterAudience, ListAudience
from contracts.base import utc_now

from ..conftest import ContactFactory, Resolver

pytestmark = pytest.mark.integration


@pytest.fixture
async def seeded(resolver: Resolver, tenant_id: str, contact: ContactFactory) -> str:
    await resolver.import_contacts(
        tenant_id,
        [
            contact("1"),
            contact("2"),
            contact("3", opted_out=True),
            contact("1", "wa-main"),
            contact("4", "wa-main"),
        ],
    )
    return tenant_id


async def test_every_connection_is_counted_apart(resolver: Resolver, seeded: str) -> None:
    estimate = await resolver.estimate(seeded, AllAudience())
    assert estimate.by_connection == {"tg-main": 2, "wa-main": 2}
    assert estimate.audience_size == 4


async def test_one_connection_is_named_even_when_nobody_matches(
    resolver: Resolver, seeded: str
) -> None:
    estimate = await resolver.estimate(
        seeded, FilterAudience(labels_any=["nobody"]), connection_id="tg-main"
    )
    assert (estimate.audience_size, estimate.by_connection) == (0, {"tg-main": 0})


async def test_a_list_counts_a_person_on_each_connection_and_names_the_unknown(
    resolver: Resolver, seeded: str
) -> None:
    audience = ListAudience(external_ids=["1", "404", "3", "4"])
    estimate = await resolver.estimate(seeded, audience)
    assert estimate.by_connection == {"tg-main": 1, "wa-main": 2}
    assert (estimate.unknown_count, estimate.unknown_external_ids) == (1, ["404"])
    assert (estimate.opted_out_count, estimate.opted_out_external_ids) == (1, ["3"])

    on_telegram = await resolver.estimate(seeded, audience, connection_id="tg-main")
    assert on_telegram.by_connection == {"tg-main": 1}
    assert (on_telegram.unknown_count, on_telegram.unknown_external_ids) == (2, ["404", "4"])
    assert on_telegram.opted_out_external_ids == ["3"]


async def test_a_person_opted_out_on_one_connection_only_is_reachable_on_the_other(
    resolver: Resolver, seeded: str, contact: ContactFactory
) -> None:
    await resolver.import_contacts(seeded, [contact("3", "wa-main")])
    estimate = await resolver.estimate(seeded, ListAudience(external_ids=["3"]))
    assert estimate.by_connection == {"wa-main": 1}
    assert (estimate.unknown_count, estimate.opted_out_count) == (0, 0)
    on_telegram = await resolver.estimate(seeded, ListAudience(external_ids=["3"]), "tg-main")
    assert on_telegram.opted_out_external_ids == ["3"]


async def test_an_uploaded_list_is_estimated_and_an_unknown_one_says_so(
    resolver: Resolver, seeded: str
) -> None:
    uploaded = await resolver.upload_list(seeded, ["4", "1", "404", "1"], part_size=2)
    estimate = await resolver.estimate(seeded, ListAudience(list_id=uploaded.list_id))
    assert estimate.by_connection == {"tg-main": 1, "wa-main": 2}
    assert estimate.unknown_external_ids == ["404"]
    assert estimate.error is None

    missing = await resolver.estimate(seeded, ListAudience(list_id=uuid.uuid4()), "tg-main")
    assert (missing.audience_size, missing.by_connection) == (0, {"tg-main": 0})
    assert missing.error is not None
    assert "POST /v1/audience/lists" in missing.error


async def test_selected_dialogs_count_on_their_own_connection(
    resolver: Resolver, seeded: str
) -> None:
    audience = ContactsAudience(contact_ids=["tg-main:2", "wa-main:4", "wa-main:2"])
    estimate = await resolver.estimate(seeded, audience)
    assert estimate.by_connection == {"tg-main": 1, "wa-main": 1}
    assert estimate.unknown_external_ids == []


async def test_a_tenant_sees_only_its_own_contacts(
    resolver: Resolver, seeded: str, contact: ContactFactory
) -> None:
    other = f"{seeded}-other"
    await resolver.import_contacts(other, [contact("1"), contact("9")])
    assert (await resolver.estimate(seeded, AllAudience(), "tg-main")).audience_size == 2
    assert (await resolver.estimate(other, AllAudience(), "tg-main")).audience_size == 2


async def test_the_preflight_counts_by_zone_and_window_in_the_same_answer(
    resolver: Resolver, tenant_id: str, contact: ContactFactory
) -> None:
    now = utc_now()
    recent, old = now - timedelta(hours=2), now - timedelta(days=3)
    await resolver.import_contacts(
        tenant_id,
        [
            contact("1", attributes={"timezone": "Asia/Tokyo"}, last_inbound_at=recent),
            contact("2", attributes={"timezone": "Asia/Tokyo"}, last_inbound_at=old),
            contact("3", attributes={"timezone": "America/New_York"}),
            contact("4", last_inbound_at=recent),
            contact("5", attributes={"timezone": "Mars/Olympus_Mons"}, last_inbound_at=old),
            contact("6", opted_out=True, attributes={"timezone": "Asia/Tokyo"}),
            contact("7", "wa-main", attributes={"timezone": "Asia/Tokyo"}, last_inbound_at=recent),
        ],
    )
    since = now - timedelta(hours=24)
    for audience in (AllAudience(), ListAudience(external_ids=[str(n) for n in range(1, 8)])):
        estimate = await resolver.estimate(tenant_id, audience, window_since=since)
        groups = {
            (g.connection_id, g.timezone): (g.matching, g.window_closed) for g in estimate.groups
        }
        assert groups == {
            ("tg-main", "Asia/Tokyo"): (2, 1),
            ("tg-main", "America/New_York"): (1, 1),  # never wrote
            ("tg-main", None): (2, 1),  # no attribute, and one that names no zone
            ("wa-main", "Asia/Tokyo"): (1, 0),
        }, audience
        assert estimate.by_connection == {"tg-main": 5, "wa-main": 1}
    without = await resolver.estimate(tenant_id, AllAudience())
    assert without.groups == []


async def test_an_audience_with_no_condition_counts_what_a_scan_of_its_contacts_counts(
    resolver: Resolver, tenant_id: str, contact: ContactFactory
) -> None:
    """Its estimate comes from the kept counts (migration 008); a filter naming every
    connection scans the same people: the two agree after an import, after an import
    that moves zones, opts out and adds, and after changes made by any statement."""
    now = utc_now()
    since, recent = now - timedelta(hours=24), now - timedelta(hours=2)
    everyone = FilterAudience(connection_ids=["tg-main", "wa-main"])

    async def agree() -> dict[str, int]:
        counted = await resolver.estimate(tenant_id, AllAudience(), window_since=since)
        scanned = await resolver.estimate(tenant_id, everyone, window_since=since)
        assert counted.by_connection == scanned.by_connection
        assert sorted(map(repr, counted.groups)) == sorted(map(repr, scanned.groups))
        return counted.by_connection

    tokyo = {"timezone": "Asia/Tokyo"}
    await resolver.import_contacts(
        tenant_id,
        [
            contact("1", attributes=tokyo, last_inbound_at=recent),
            contact("2", attributes=tokyo),
            contact("3", opted_out=True),
            contact("4", "wa-main", last_inbound_at=recent),
        ],
    )
    assert await agree() == {"tg-main": 2, "wa-main": 1}

    later = now + timedelta(minutes=1)
    await resolver.import_contacts(
        tenant_id,
        [
            contact("1", attributes={"timezone": "Europe/Berlin"}, last_inbound_at=recent),
            contact("2", attributes=tokyo, opted_out=True),
            contact("5", "wa-main", attributes=tokyo),
        ],
        imported_at=later,
    )
    assert await agree() == {"tg-main": 1, "wa-main": 2}

    async with resolver.runtime.pool.acquire() as conn:
        await conn.execute(
            "UPDATE contacts SET opted_out_at = NULL WHERE tenant_id = $1 AND external_id = '3'",
            tenant_id,
        )
        await conn.execute(
            "UPDATE contacts SET attributes = $2::jsonb, opted_out_at = now()"
            " WHERE tenant_id = $1 AND external_id = '4'",
            tenant_id,
            tokyo,
        )
    assert await agree() == {"tg-main": 2, "wa-main": 1}
