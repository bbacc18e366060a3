"""A dry run of AI content shows sample texts for a few real recipients of its
audience, written by the ai-composer (its own process here, on the built-in
writer); without an answer from the composer the dry run still succeeds, saying
why there are no samples."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from campaign_api.domain.model import Principal, Sample
from campaign_api.usecases import campaigns
from campaign_api.usecases.services import AppServices
from contracts.campaigns import CampaignSpec
from test_support.system import SERVICES, running_system

from .audience_base import import_rows, stored
from .conftest import Api, Tenant

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

AI = {
    "kind": "ai",
    "prompt": "Invite the customer to our wine tasting on Friday at 7 pm; mention their city.",
    "fallback_text": "Hello, {first_name|there}! Join our wine tasting this Friday at 7 pm.",
}
PEOPLE = (
    "connection_id,external_id,name,locale,city,opted_out\n"
    "tg-main,501,Alice Smith,en,Berlin,true\n"
    "tg-main,502,Bruno Costa,en,Lisbon,false\n"
    "tg-main,503,Chiara Rossi,en,Rome,false\n"
    "tg-main,504,Dmitri Ivanov,en,Vienna,false\n"
    "tg-main,505,Elena Diaz,en,Madrid,false\n"
)


@pytest.fixture
async def composer(api: Api, tmp_path: Path) -> AsyncIterator[None]:
    """The ai-composer as its own process, on the built-in writer."""
    spec = [s for s in SERVICES if s.name == "ai-composer"]
    async with running_system(
        database_url=api.database_url,
        rabbitmq_url=api.rabbitmq_url,
        log_dir=tmp_path / "logs",
        env={"COMPOSER_BACKEND": "builtin"},
        services=spec,
    ):
        yield


def admin(tenant: Tenant) -> Principal:
    return Principal(tenant_id=tenant.id, role="admin", key_id=tenant.key_ids["admin"])


async def with_people(api: Api, tenant: Tenant) -> None:
    await import_rows(api, tenant, PEOPLE.encode())
    await stored(api, tenant.id, 5)


def body(**fields: Any) -> dict[str, Any]:
    return {"connection_id": "tg-main", "audience": {"kind": "all"}, "content": AI, **fields}


async def test_a_dry_run_of_ai_content_shows_texts_for_real_recipients(
    api: Api, tenant: Tenant, composer: None
) -> None:
    await with_people(api, tenant)
    dry = await api.call(
        tenant.admin, "POST", "/v1/campaigns", params={"dry_run": "true"}, json=body(), expect=200
    )
    answer = dry.json()
    assert (answer["dry_run"], answer["campaign_ids"], answer["samples_note"]) == (True, [], None)
    samples = answer["samples"]
    # DRY_RUN_SAMPLES (5) of the audience; 501 opted out, so four
    assert [s["external_id"] for s in samples] == ["502", "503", "504", "505"]
    for sample, first_name in zip(samples, ["Bruno", "Chiara", "Dmitri", "Elena"], strict=True):
        assert sample["contact_id"] == f"tg-main:{sample['external_id']}"
        assert (sample["connection_id"], sample["composition"]) == ("tg-main", "ai_builtin")
        assert sample["fallback_reason"] is None
        assert first_name in sample["text"]
    assert len({s["text"] for s in samples}) == 4

    spec = CampaignSpec.model_validate(body())
    svc: AppServices = api.app.state.services
    found = await campaigns.dry_run(svc, admin(tenant), spec)
    assert all(isinstance(sample, Sample) for sample in found.samples)
    assert [s.name for s in found.samples] == [
        "Bruno Costa",
        "Chiara Rossi",
        "Dmitri Ivanov",
        "Elena Diaz",
    ]
    listed = await api.call(tenant.admin, "GET", "/v1/campaigns", expect=200)
    assert listed.json()["items"] == []  # a dry run makes nothing


async def test_other_content_and_an_empty_audience_have_no_samples(
    api: Api, tenant: Tenant, composer: None
) -> None:
    hello = body(content={"kind": "text", "text": "Hello, {name}!"})
    dry = await api.call(
        tenant.admin, "POST", "/v1/campaigns", params={"dry_run": "true"}, json=hello, expect=200
    )
    assert (dry.json()["samples"], dry.json()["samples_note"]) == ([], None)
    nobody = await api.call(
        tenant.admin, "POST", "/v1/campaigns", params={"dry_run": "true"}, json=body(), expect=200
    )
    assert nobody.json()["samples"] == []
    assert "reaches nobody" in nobody.json()["samples_note"]


async def test_without_the_composers_answer_the_dry_run_succeeds_and_says_why(
    api: Api, tenant: Tenant
) -> None:
    await with_people(api, tenant)
    svc: AppServices = api.app.state.services
    impatient = dataclasses.replace(
        svc, settings=svc.settings.model_copy(update={"sample_timeout_seconds": 1.0})
    )
    found = await campaigns.dry_run(impatient, admin(tenant), CampaignSpec.model_validate(body()))
    assert [p.estimated_audience for p in found.planned] == [4]
    assert found.samples == []
    assert found.samples_note == "the ai-composer did not answer within 1 s: samples omitted"
