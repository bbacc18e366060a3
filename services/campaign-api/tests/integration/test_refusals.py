"""What the API checks before it accepts a campaign, and what it answers: the
subscription end (and its refresh), the monthly limit, test sends that do not
count, a dry run, the default name, and cancel of a finished campaign."""

from __future__ import annotations

import uuid
from typing import Any

from contracts.base import utc_now
from test_support.waiting import eventually

from .conftest import PLATFORM_KEY, Api, Tenant, complete, new_tenant

HELLO = {"kind": "text", "text": "Hello, {name}!"}


def campaign(**fields: Any) -> dict[str, Any]:
    return {"connection_id": "tg-main", "audience": {"kind": "all"}, "content": HELLO, **fields}


async def with_contacts(api: Api, tenant: Tenant, count: int) -> None:
    rows = "\n".join(f"tg-main,{7000 + n},P{n}" for n in range(count))
    await api.call(
        tenant.admin,
        "POST",
        "/v1/contacts/import",
        content=f"connection_id,external_id,name\n{rows}\n",
        headers={"Content-Type": "text/csv"},
        expect=200,
    )

    async def stored() -> bool:
        found = await api.call(
            tenant.admin, "POST", "/v1/audience/estimate", json={"audience": {"kind": "all"}}
        )
        return bool(found.json()["audience_size"] == count)

    await eventually(stored, timeout=30, interval=0.2, what="the import")


async def test_a_start_after_the_subscription_is_refused_until_it_is_extended(api: Api) -> None:
    tenant = await new_tenant(api, subscription_ends_at="2030-01-01T00:00:00Z")
    await api.call(
        tenant.admin,
        "PUT",
        "/v1/connections/tg-main",
        json={
            "channel": "telegram_bot",
            "credentials": {"token": "1:AAsubscription-00000000000000000000"},
        },
        expect=201,
    )
    body = campaign(start_at="2031-06-01 10:00:00")
    headers = {"Idempotency-Key": f"renewal-{uuid.uuid4()}"}
    refused = await api.call(tenant.admin, "POST", "/v1/campaigns", json=body, headers=headers)
    assert refused.status_code == 422
    assert refused.json()["code"] == "subscription_ends_before_start"
    assert "after the subscription ends (2030-01-01 00:00:00 UTC)" in refused.json()["detail"]
    assert "extend the subscription" in refused.json()["detail"]

    await api.call(
        PLATFORM_KEY,
        "PUT",
        f"/v1/tenants/{tenant.id}",
        json={"plan": "paid", "subscription_ends_at": "2032-01-01T00:00:00Z"},
        expect=200,
    )
    accepted = await api.call(tenant.admin, "POST", "/v1/campaigns", json=body, headers=headers)
    assert accepted.status_code == 201, accepted.text


async def test_the_monthly_limit_refuses_what_would_pass_it(api: Api, tenant: Tenant) -> None:
    await api.call(
        PLATFORM_KEY,
        "PUT",
        f"/v1/tenants/{tenant.id}",
        json={"plan": "free", "monthly_limit": 12, "subscription_ends_at": "2099-01-01T00:00:00Z"},
        expect=200,
    )
    await with_contacts(api, tenant, 5)
    await api.call(tenant.admin, "POST", "/v1/campaigns", json=campaign(), expect=201)
    await api.call(tenant.admin, "POST", "/v1/campaigns", json=campaign(), expect=201)
    third = await api.call(tenant.admin, "POST", "/v1/campaigns", json=campaign())
    assert third.status_code == 422
    assert third.json()["code"] == "monthly_limit"
    assert "about 5 messages, and 10 of the tenant's monthly limit of 12" in third.json()["detail"]

    test_send = campaign(audience={"kind": "test", "external_id": "7001"})
    free = await api.call(tenant.admin, "POST", "/v1/campaigns", json=test_send, expect=201)
    assert free.json()["campaigns"][0]["counts_toward_quota"] is False


async def test_a_dry_run_shows_everything_and_makes_nothing(api: Api, tenant: Tenant) -> None:
    await with_contacts(api, tenant, 3)
    planned = await api.call(
        tenant.admin,
        "POST",
        "/v1/campaigns?dry_run=true",
        json=campaign(interval_seconds=90, start_at="2h"),
        expect=200,
    )
    body = planned.json()
    assert (body["dry_run"], body["created"], body["campaign_ids"]) == (True, False, [])
    plan = body["planned"][0]
    assert plan["estimated_audience"] == 3
    assert plan["interval_seconds"] == 90
    assert plan["name"].startswith("Campaign 20")
    assert plan["steps"][0]["content"] == HELLO
    listed = await api.call(tenant.admin, "GET", "/v1/campaigns", expect=200)
    assert listed.json()["items"] == []


async def test_a_name_is_made_from_the_date_when_none_is_given(api: Api, tenant: Tenant) -> None:
    created = await api.call(
        tenant.admin, "POST", "/v1/campaigns", json=campaign(name="  "), expect=201
    )
    name = created.json()["campaigns"][0]["name"]
    assert name.startswith(f"Campaign {utc_now():%Y-%m-%d}")
    assert name.endswith("UTC")


async def test_cancelling_a_finished_campaign_is_a_clear_409(api: Api, tenant: Tenant) -> None:
    created = await api.call(tenant.admin, "POST", "/v1/campaigns", json=campaign(), expect=201)
    campaign_id = created.json()["campaign_id"]
    await complete(api, tenant, campaign_id, timeout=15)
    refused = await api.call(
        tenant.admin, "POST", f"/v1/campaigns/{campaign_id}/cancel", expect=409
    )
    assert "already completed; there is nothing to cancel" in refused.json()["detail"]
