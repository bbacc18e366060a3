"""The dialog list (`audience.dialogs.v1`): a tenant's dialogs newest first, a page
at a time, with the filter audience's conditions and a search of names and
external ids; opted-out dialogs listed and flagged; another tenant's never."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from contracts.audience import ContactsAudience, FilterAudience

from ..conftest import ContactFactory, Resolver

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC)


@pytest.fixture
async def listed(resolver: Resolver, tenant_id: str, contact: ContactFactory) -> str:
    """Dialogs 1-5 of `tenant_id` imported in this order (so listed 5 first), 3
    opted out; another tenant with an Anna of its own."""
    await resolver.import_contacts(
        tenant_id,
        [
            contact(
                "1",
                name="Anna Schmidt",
                labels=["vip", "customer"],
                functions_executed=["quiz"],
                locale="de_DE",
                last_inbound_at=NOW - timedelta(days=1),
            ),
            contact("2", name="Boris", labels=["customer"], locale="en"),
            contact("3", "wa-main", name="anna-lena", labels=["vip"], opted_out=True),
            contact("ANNA77", "ig-main"),
            contact("5", name="100% Real_Name", last_inbound_at=NOW - timedelta(days=30)),
        ],
    )
    other = f"{tenant_id}-other"
    await resolver.announce_tenant(other)
    await resolver.import_contacts(other, [contact("9", name="Anna Other")])
    return tenant_id


def _ids(page: object) -> list[str]:
    return [item.contact_id for item in page.items]  # type: ignore[attr-defined]


async def test_every_dialog_newest_first_with_opted_out_ones_flagged(
    resolver: Resolver, listed: str
) -> None:
    page = await resolver.dialogs(listed)
    assert _ids(page) == ["tg-main:5", "ig-main:ANNA77", "wa-main:3", "tg-main:2", "tg-main:1"]
    assert page.next_cursor is None
    assert page.error is None
    assert [item.opted_out for item in page.items] == [False, False, True, False, False]
    anna = page.items[-1]
    assert (anna.connection_id, anna.external_id, anna.channel) == ("tg-main", "1", "telegram")
    assert (anna.name, anna.labels, anna.functions_executed) == (
        "Anna Schmidt",
        ["vip", "customer"],
        ["quiz"],
    )
    assert anna.locale == "de_DE"
    assert anna.last_inbound_at is not None
    assert abs(anna.last_inbound_at - (NOW - timedelta(days=1))) < timedelta(seconds=1)


async def test_each_contact_id_names_its_dialog_in_a_contacts_audience(
    resolver: Resolver, listed: str
) -> None:
    page = await resolver.dialogs(listed)
    audience = ContactsAudience(contact_ids=_ids(page))
    estimate = await resolver.estimate(listed, audience)
    assert estimate.by_connection == {"tg-main": 3, "ig-main": 1}  # 3 opted out


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("anna", ["ig-main:ANNA77", "wa-main:3", "tg-main:1"]),
        ("SCHMIDT", ["tg-main:1"]),
        ("nna7", ["ig-main:ANNA77"]),
        ("0%", ["tg-main:5"]),
        ("l_n", ["tg-main:5"]),
        ("nobody", []),
    ],
    ids=["name or id", "any case", "inside an id", "a literal %", "a literal _", "none"],
)
async def test_a_search_finds_the_text_in_names_and_external_ids(
    resolver: Resolver, listed: str, q: str, expected: list[str]
) -> None:
    assert _ids(await resolver.dialogs(listed, q=q)) == expected


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (FilterAudience(labels_any=["vip"]), ["wa-main:3", "tg-main:1"]),
        (FilterAudience(labels_all=["vip", "customer"]), ["tg-main:1"]),
        (FilterAudience(channels=["whatsapp", "instagram"]), ["ig-main:ANNA77", "wa-main:3"]),
        (FilterAudience(connection_ids=["tg-main"]), ["tg-main:5", "tg-main:2", "tg-main:1"]),
        (FilterAudience(functions_executed=["quiz"]), ["tg-main:1"]),
        (FilterAudience(last_inbound_within="7d"), ["tg-main:1"]),
        (FilterAudience(locales=["de"]), ["tg-main:1"]),
        (FilterAudience(name_contains="bor"), ["tg-main:2"]),
    ],
    ids=["any label", "all labels", "channel", "connection", "function", "7d", "locale", "name"],
)
async def test_the_filter_audience_conditions_select_dialogs(
    resolver: Resolver, listed: str, filters: FilterAudience, expected: list[str]
) -> None:
    assert _ids(await resolver.dialogs(listed, filters=filters)) == expected


async def test_a_search_and_conditions_together(resolver: Resolver, listed: str) -> None:
    page = await resolver.dialogs(listed, q="anna", filters=FilterAudience(labels_any=["vip"]))
    assert _ids(page) == ["wa-main:3", "tg-main:1"]


async def test_pages_follow_their_cursors_to_the_end_newer_imports_first(
    resolver: Resolver, listed: str, contact: ContactFactory
) -> None:
    await resolver.import_contacts(listed, [contact("6", name="Newest")])
    seen: list[str] = []
    cursor = None
    sizes = []
    while True:
        page = await resolver.dialogs(listed, cursor=cursor, limit=2)
        seen += _ids(page)
        sizes.append(len(page.items))
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert sizes == [2, 2, 2]  # the last page full, and no empty page after it
    assert seen == [
        "tg-main:6",
        "tg-main:5",
        "ig-main:ANNA77",
        "wa-main:3",
        "tg-main:2",
        "tg-main:1",
    ]


async def test_another_tenant_sees_only_its_own(resolver: Resolver, listed: str) -> None:
    other = await resolver.dialogs(f"{listed}-other", q="anna")
    assert _ids(other) == ["tg-main:9"]
    assert _ids(await resolver.dialogs("t-nobody-at-all")) == []


async def test_a_cursor_it_never_gave_is_named(resolver: Resolver, listed: str) -> None:
    for cursor in ("not-a-cursor", "MjAyNnxub3Q"):
        page = await resolver.dialogs(listed, cursor=cursor)
        assert page.items == []
        assert page.error is not None
        assert page.error.startswith("cursor: ")
