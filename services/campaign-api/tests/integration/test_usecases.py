"""The use cases called directly, as a console or a bot would call them: each
enforces the caller's role and tenant itself, whatever front end calls it."""

from __future__ import annotations

import uuid

import pytest
from campaign_api.domain.model import Principal, Refusal
from campaign_api.usecases import campaigns, templates
from campaign_api.usecases.services import AppServices
from contracts.campaigns import CampaignSpec

from .conftest import Api, Tenant, new_tenant

HELLO = {"kind": "text", "text": "Hello, {name}!"}


def services(api: Api) -> AppServices:
    found: AppServices = api.app.state.services
    return found


def admin(tenant: Tenant) -> Principal:
    return Principal(tenant_id=tenant.id, role="admin", key_id=tenant.key_ids["admin"])


def operator(tenant: Tenant) -> Principal:
    return Principal(tenant_id=tenant.id, role="operator", key_id=tenant.key_ids["operator"])


async def test_only_a_tenants_admin_writes_its_templates(api: Api, tenant: Tenant) -> None:
    svc = services(api)
    spec = CampaignSpec.model_validate({"audience": {"kind": "all"}, "content": HELLO})
    with pytest.raises(Refusal) as refused:
        await templates.create_template(svc, operator(tenant), "promo", [(spec.content, 0)])
    assert refused.value.status == 403
    made = await templates.create_template(svc, admin(tenant), "promo", [(spec.content, "5m")])
    assert [step.delay_seconds for step in made.steps] == [300]
    with pytest.raises(Refusal):
        await templates.delete_template(svc, operator(tenant), "promo")
    listed = await templates.list_templates(svc, operator(tenant))
    assert [t.name for t in listed] == ["promo"]
    await templates.delete_template(svc, admin(tenant), "promo")
    assert await templates.list_templates(svc, admin(tenant)) == []


async def test_a_campaign_is_seen_and_cancelled_only_in_its_tenant(
    api: Api, tenant: Tenant
) -> None:
    svc = services(api)
    spec = CampaignSpec.model_validate(
        {
            "connection_id": "tg-main",
            "audience": {"kind": "list", "external_ids": ["1001"]},
            "content": HELLO,
            "start_at": "2h",
        }
    )
    request_id = f"usecase-{uuid.uuid4()}"
    made = await campaigns.create_campaign(svc, admin(tenant), spec, request_id)
    again = await campaigns.create_campaign(svc, admin(tenant), spec, request_id)
    assert (made.created, again.created) == (True, False)
    (campaign,) = made.campaigns
    assert [c.id for c in again.campaigns] == [campaign.id]

    other = await new_tenant(api)
    for act in (campaigns.show_campaign, campaigns.cancel_campaign):
        with pytest.raises(Refusal) as refused:
            await act(svc, admin(other), campaign.id)
        assert (refused.value.status, refused.value.code) == (404, "not_found")
    page = await campaigns.list_campaigns(svc, admin(other))
    assert page.items == []

    await campaigns.cancel_campaign(svc, admin(tenant), campaign.id)
    shown = await campaigns.show_campaign(svc, admin(tenant), campaign.id)
    assert shown.record.cancel_requested_at is not None


async def test_the_platform_key_starts_no_campaign(api: Api) -> None:
    svc = services(api)
    platform = Principal(tenant_id=None, role="platform", key_id="platform")
    spec = CampaignSpec.model_validate({"audience": {"kind": "all"}, "content": HELLO})
    with pytest.raises(Refusal) as refused:
        await campaigns.dry_run(svc, platform, spec)
    assert refused.value.status == 403
