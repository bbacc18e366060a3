"""Filter audiences: each condition alone and combined, the same in a snapshot
(this connection's contacts, in contact order) and in an estimate (every
connection's, counted)."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from contracts.audience import AllAudience, ContactRecord, FilterAudience

from ..conftest import Published, Resolver

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC)


def _row(external_id: str, connection_id: str, channel: str, **fields: object) -> ContactRecord:
    return ContactRecord.model_validate(
        {"external_id": external_id, "connection_id": connection_id, "channel": channel, **fields}
    )


BASE = [
    _row(
        "a",
        "tg-main",
        "telegram",
        labels=["vip", "newsletter"],
        functions_executed=["booking", "quiz"],
        locale="en-US",
        name="Alice Smith",
        last_inbound_at=NOW - timedelta(days=1),
    ),
    _row(
        "b",
        "tg-main",
        "telegram",
        labels=["vip"],
        functions_executed=["booking"],
        locale="de",
        name="Bob",
        last_inbound_at=NOW - timedelta(days=10),
    ),
    _row("c", "tg-main", "telegram", labels=["newsletter"], locale="en_GB", name="Carol 50% Smith"),
    _row(
        "d",
        "tg-main",
        "telegram",
        functions_executed=["quiz"],
        locale="EN",
        name="dave",
        last_inbound_at=NOW - timedelta(hours=2),
    ),
    _row(
        "e",
        "tg-main",
        "telegram",
        labels=["vip", "newsletter"],
        name="Eve Smith",
        opted_out=True,
        last_inbound_at=NOW,
    ),
    _row(
        "f",
        "wa-main",
        "whatsapp",
        labels=["vip"],
        functions_executed=["booking"],
        locale="en",
        name="Alice W",
        last_inbound_at=NOW - timedelta(hours=1),
    ),
    _row(
        "g",
        "ig-main",
        "instagram",
        labels=["newsletter"],
        name="Gina",
        last_inbound_at=NOW - timedelta(days=3),
    ),
]
CONNECTION_OF = {row.external_id: row.connection_id for row in BASE}

CASES: list[tuple[str, FilterAudience | AllAudience, str]] = [
    ("all", AllAudience(), "abcdfg"),
    ("no condition", FilterAudience(), "abcdfg"),
    ("channel", FilterAudience(channels=["telegram"]), "abcd"),
    ("channels", FilterAudience(channels=["whatsapp", "instagram"]), "fg"),
    ("connection", FilterAudience(connection_ids=["wa-main"]), "f"),
    ("labels any of one", FilterAudience(labels_any=["vip"]), "abf"),
    ("labels any of two", FilterAudience(labels_any=["vip", "newsletter"]), "abcfg"),
    ("labels all", FilterAudience(labels_all=["vip", "newsletter"]), "a"),
    ("a function", FilterAudience(functions_executed=["booking"]), "abf"),
    ("every function", FilterAudience(functions_executed=["booking", "quiz"]), "a"),
    ("last inbound within", FilterAudience(last_inbound_within="2d"), "adf"),
    ("a language", FilterAudience(locales=["en"]), "acdf"),
    ("a regional locale", FilterAudience(locales=["en_us"]), "a"),
    ("name contains", FilterAudience(name_contains="SMITH"), "ac"),
    ("name wildcards are literal", FilterAudience(name_contains="%"), "c"),
    (
        "channel, labels and recency",
        FilterAudience(
            channels=["telegram"], labels_any=["vip", "newsletter"], last_inbound_within="7d"
        ),
        "a",
    ),
    (
        "labels, function and language",
        FilterAudience(labels_all=["vip"], functions_executed=["booking"], locales=["en"]),
        "af",
    ),
]


@pytest.fixture(scope="module")
async def seeded(resolver: Resolver) -> str:
    tenant_id = f"filters-{uuid.uuid4().hex[:8]}"
    await resolver.import_contacts(tenant_id, BASE)
    return tenant_id


@pytest.mark.parametrize(
    ("audience", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
async def test_a_filter_snapshots_this_connections_matches_in_contact_order(
    resolver: Resolver,
    published: Published,
    seeded: str,
    audience: FilterAudience | AllAudience,
    expected: str,
) -> None:
    campaign_id = await resolver.request_snapshot(seeded, audience, connection_id="tg-main")
    streamed = await published.snapshot(campaign_id)
    assert "".join(streamed.external_ids) == "".join(
        e for e in expected if CONNECTION_OF[e] == "tg-main"
    )


@pytest.mark.parametrize(
    ("audience", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
async def test_a_filter_estimates_every_connections_matches(
    resolver: Resolver, seeded: str, audience: FilterAudience | AllAudience, expected: str
) -> None:
    estimate = await resolver.estimate(seeded, audience)
    assert estimate.by_connection == dict(Counter(CONNECTION_OF[e] for e in expected))
    assert estimate.audience_size == len(expected)
