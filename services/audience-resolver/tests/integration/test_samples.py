"""An estimate's sample: the first contacts an audience reaches, in the order a
snapshot would number them, never opted-out ones, with the fields a message is
personalised with."""

from __future__ import annotations

import pytest
from contracts.audience import (
    AllAudience,
    Audience,
    AudienceEstimateRequestedV1,
    AudienceEstimateV1,
    FilterAudience,
    ListAudience,
)
from contracts.names import INTERNAL_EXCHANGE, RoutingKey
from service_kit.publishing import encode

from ..conftest import ContactFactory, Resolver

pytestmark = pytest.mark.integration


async def estimate(
    resolver: Resolver,
    tenant_id: str,
    audience: Audience,
    *,
    sample_size: int,
    connection_id: str | None = None,
) -> AudienceEstimateV1:
    request = AudienceEstimateRequestedV1(
        tenant_id=tenant_id,
        connection_id=connection_id,
        audience=audience,
        sample_size=sample_size,
    )
    reply = await resolver.client.request(
        encode(request),
        exchange=INTERNAL_EXCHANGE,
        routing_key=RoutingKey.AUDIENCE_ESTIMATE,
        timeout=10,
        content_type="application/json",
    )
    return AudienceEstimateV1.model_validate_json(reply.body)


@pytest.fixture
async def seeded(resolver: Resolver, tenant_id: str, contact: ContactFactory) -> str:
    await resolver.import_contacts(
        tenant_id,
        [
            contact("1", name="Ann Lee", locale="en", attributes={"city": "Berlin"}),
            contact("2", opted_out=True, name="Opted Out"),
            contact("3", name="Bo Chen", labels=["vip"], attributes={"orders": 3}),
            contact("4", "wa-main", name="Cy Diaz", locale="es"),
            contact("5", labels=["vip"]),
            contact("6", name="Di Eve"),
        ],
    )
    return tenant_id


async def test_a_filter_samples_the_first_reachable_contacts_with_their_fields(
    resolver: Resolver, seeded: str
) -> None:
    found = await estimate(resolver, seeded, AllAudience(), sample_size=3)
    assert found.audience_size == 5
    assert [s.contact_id for s in found.sample] == ["tg-main:1", "tg-main:3", "wa-main:4"]
    first, second, third = found.sample
    assert (first.connection_id, first.external_id, first.name) == ("tg-main", "1", "Ann Lee")
    assert (first.locale, first.attributes) == ("en", {"city": "Berlin"})
    assert (second.labels, second.attributes) == (["vip"], {"orders": 3})
    assert (third.connection_id, third.locale) == ("wa-main", "es")
    recipient = first.recipient(1)
    assert (recipient.recipient_no, recipient.contact_id, recipient.name) == (
        1,
        "tg-main:1",
        "Ann Lee",
    )

    again = await estimate(resolver, seeded, AllAudience(), sample_size=3)
    assert again.sample == found.sample  # deterministic

    vip = await estimate(
        resolver, seeded, FilterAudience(labels_any=["vip"]), sample_size=5, connection_id="tg-main"
    )
    assert [s.external_id for s in vip.sample] == ["3", "5"]


async def test_a_list_samples_in_list_order_without_the_unknown_or_opted_out(
    resolver: Resolver, seeded: str
) -> None:
    audience = ListAudience(external_ids=["6", "404", "2", "4", "1", "3"])
    found = await estimate(resolver, seeded, audience, sample_size=3)
    assert [s.contact_id for s in found.sample] == ["tg-main:6", "wa-main:4", "tg-main:1"]
    on_telegram = await estimate(resolver, seeded, audience, sample_size=5, connection_id="tg-main")
    assert [s.external_id for s in on_telegram.sample] == ["6", "1", "3"]


async def test_an_uploaded_list_samples_in_its_files_order(resolver: Resolver, seeded: str) -> None:
    uploaded = await resolver.upload_list(seeded, ["5", "2", "3", "404", "1"], part_size=2)
    found = await estimate(resolver, seeded, ListAudience(list_id=uploaded.list_id), sample_size=2)
    assert [s.external_id for s in found.sample] == ["5", "3"]


async def test_no_sample_unless_one_is_asked_for(resolver: Resolver, seeded: str) -> None:
    found = await estimate(resolver, seeded, AllAudience(), sample_size=0)
    assert (found.audience_size, found.sample) == (5, [])
