"""Estimates: how many an audience matches now, per connection, as a reply."""

from __future__ import annotations

import pytest
from contracts.audience import AllAudience, ContactsAudience, FilterAudience, ListAudience

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
    assert estimate.unknown_external_ids == ["404"]

    on_telegram = await resolver.estimate(seeded, audience, connection_id="tg-main")
    assert on_telegram.by_connection == {"tg-main": 1}
    assert on_telegram.unknown_external_ids == ["404", "4"]


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
