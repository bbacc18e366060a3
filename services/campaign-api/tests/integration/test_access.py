"""Who may call what: every endpoint of the OpenAPI document, for no key, the
platform key, an operator, a tenant admin — and another tenant, which never
sees or touches this tenant's data (404, so ids don't leak)."""

from __future__ import annotations

import pytest

from .conftest import PLATFORM_KEY, Api, Tenant, new_tenant

TEXT = {"kind": "text", "text": "Hello, {name}!"}
CAMPAIGN = {
    "connection_id": "tg-main",
    "audience": {"kind": "all"},
    "content": {"kind": "text", "text": "Hi {name}"},
    "start_at": "2098-01-01 00:00:00",
}

# (method, path, body) for each operation; {c} a campaign of tenant A, {t} a template of A.
OPERATIONS: dict[tuple[str, str], dict[str, object] | None] = {
    ("PUT", "/v1/tenants/{tenant_id}"): {"plan": "free"},
    ("GET", "/v1/tenants/{tenant_id}"): None,
    ("POST", "/v1/tenants/{tenant_id}/api-keys"): {"role": "admin"},
    ("PUT", "/v1/connections/{connection_id}"): {
        "channel": "telegram_bot",
        "credentials": {"token": "1:AAother-token-000000000000000000000"},
    },
    ("GET", "/v1/connections/{connection_id}"): None,
    ("GET", "/v1/connections"): None,
    ("POST", "/v1/connections/{connection_id}/check"): None,
    ("POST", "/v1/contacts/import"): None,
    ("POST", "/v1/audience/estimate"): {"audience": {"kind": "all"}},
    ("POST", "/v1/audience/lists"): None,
    ("GET", "/v1/campaigns"): None,
    ("POST", "/v1/campaigns"): CAMPAIGN,
    ("GET", "/v1/campaigns/{campaign_id}"): None,
    ("GET", "/v1/campaigns/{campaign_id}/deliveries"): None,
    ("GET", "/v1/campaigns/{campaign_id}/report.csv"): None,
    ("POST", "/v1/campaigns/{campaign_id}/cancel"): None,
    ("GET", "/v1/templates"): None,
    ("POST", "/v1/templates"): {"name": "other"},
    ("GET", "/v1/templates/{name}"): None,
    ("PATCH", "/v1/templates/{name}"): {"name": "stolen"},
    ("DELETE", "/v1/templates/{name}"): None,
    ("POST", "/v1/templates/{name}/steps"): {"content": TEXT},
    ("PATCH", "/v1/templates/{name}/steps/{step_id}"): {"delay": 5},
    ("DELETE", "/v1/templates/{name}/steps/{step_id}"): None,
    ("POST", "/v1/commands"): {"command": "/send templates"},
}
PLATFORM_ONLY = {
    ("PUT", "/v1/tenants/{tenant_id}"),
    ("POST", "/v1/tenants/{tenant_id}/api-keys"),
}
ADMIN_ONLY = {
    ("PUT", "/v1/connections/{connection_id}"),
    ("POST", "/v1/contacts/import"),
    ("POST", "/v1/audience/lists"),
    ("POST", "/v1/templates"),
    ("PATCH", "/v1/templates/{name}"),
    ("DELETE", "/v1/templates/{name}"),
    ("POST", "/v1/templates/{name}/steps"),
    ("PATCH", "/v1/templates/{name}/steps/{step_id}"),
    ("DELETE", "/v1/templates/{name}/steps/{step_id}"),
}
OF_ONE_TENANT = {  # name a resource of the tenant's own: another tenant gets 404
    ("GET", "/v1/connections/{connection_id}"),
    ("POST", "/v1/connections/{connection_id}/check"),
    ("GET", "/v1/campaigns/{campaign_id}"),
    ("GET", "/v1/campaigns/{campaign_id}/deliveries"),
    ("GET", "/v1/campaigns/{campaign_id}/report.csv"),
    ("POST", "/v1/campaigns/{campaign_id}/cancel"),
    ("GET", "/v1/templates/{name}"),
    ("PATCH", "/v1/templates/{name}"),
    ("DELETE", "/v1/templates/{name}"),
    ("POST", "/v1/templates/{name}/steps"),
    ("PATCH", "/v1/templates/{name}/steps/{step_id}"),
    ("DELETE", "/v1/templates/{name}/steps/{step_id}"),
}


def test_every_operation_of_the_api_is_covered(api: Api) -> None:
    documented = {
        (method.upper(), path)
        for path, operations in api.app.openapi()["paths"].items()
        for method in operations
    }
    assert documented == set(OPERATIONS), "give each new operation its access rules here"


async def tenant_with_things(api: Api) -> tuple[Tenant, str]:
    """A tenant with a connection, a one-step template `promo` and a campaign."""
    tenant = await new_tenant(api)
    await api.call(
        tenant.admin,
        "PUT",
        "/v1/connections/tg-main",
        json=OPERATIONS[("PUT", "/v1/connections/{connection_id}")],
        expect=201,
    )
    await api.call(
        tenant.admin,
        "POST",
        "/v1/templates",
        json={"name": "promo", "steps": [{"content": TEXT}]},
        expect=201,
    )
    created = await api.call(tenant.admin, "POST", "/v1/campaigns", json=CAMPAIGN, expect=201)
    return tenant, created.json()["campaign_id"]


def _path(path: str, tenant: Tenant, campaign_id: str) -> str:
    return (
        path.replace("{tenant_id}", tenant.id)
        .replace("{connection_id}", "tg-main")
        .replace("{campaign_id}", campaign_id)
        .replace("{name}", "promo")
        .replace("{step_id}", "1")
    )


async def _call(api: Api, key: str | None, operation: tuple[str, str], path: str) -> int:
    method, _ = operation
    body = OPERATIONS[operation]
    if operation == ("POST", "/v1/contacts/import"):
        answered = await api.call(
            key,
            method,
            path,
            content="connection_id,external_id\ntg-main,1\n",
            headers={"Content-Type": "text/csv"},
        )
    elif operation == ("POST", "/v1/audience/lists"):
        answered = await api.call(
            key, method, path, content="101, 102\n103\n", headers={"Content-Type": "text/plain"}
        )
    else:
        answered = await api.call(key, method, path, json=body)
    if answered.status_code in (401, 403):
        assert answered.json()["detail"], "a refusal says what is needed"
    return answered.status_code


@pytest.mark.parametrize("operation", sorted(OPERATIONS), ids=" ".join)
async def test_who_may_call_it(api: Api, operation: tuple[str, str]) -> None:
    tenant, campaign_id = await tenant_with_things(api)
    path = _path(operation[1], tenant, campaign_id)
    assert await _call(api, None, operation, path) == 401
    assert await _call(api, "cmp_not-a-key", operation, path) == 401
    platform = await _call(api, PLATFORM_KEY, operation, path)
    operator = await _call(api, tenant.operator, operation, path)
    admin = await _call(api, tenant.admin, operation, path)
    if operation in PLATFORM_ONLY:
        assert (operator, admin) == (403, 403)
        assert platform < 300
        return
    if operation != ("GET", "/v1/tenants/{tenant_id}"):
        assert platform == 403, "the platform key only manages tenants"
    if operation in ADMIN_ONLY:
        assert operator == 403
    elif operation == ("POST", "/v1/campaigns"):
        assert operator == 403, "operators may not start mass campaigns"
    else:
        assert operator < 300
    assert admin < 300, f"{operation}: {admin}"


@pytest.mark.parametrize("operation", sorted(OF_ONE_TENANT), ids=" ".join)
async def test_another_tenant_never_sees_or_touches_it(
    api: Api, operation: tuple[str, str]
) -> None:
    tenant, campaign_id = await tenant_with_things(api)
    other = await new_tenant(api)
    path = _path(operation[1], tenant, campaign_id)
    for key in (other.admin, other.operator):
        status = await _call(api, key, operation, path)
        assert status in (403, 404), f"{operation}: {status}"
        if operation not in ADMIN_ONLY or key == other.admin:
            assert status == 404, "another tenant's ids answer 404, as unknown ones do"
    template = await api.call(tenant.admin, "GET", "/v1/templates/promo", expect=200)
    assert len(template.json()["steps"]) == 1
    campaign = await api.call(tenant.admin, "GET", f"/v1/campaigns/{campaign_id}", expect=200)
    assert campaign.json()["cancel_requested_at"] is None


async def test_lists_commands_and_requests_stay_within_the_tenant(api: Api) -> None:
    tenant, campaign_id = await tenant_with_things(api)
    other = await new_tenant(api)
    key = other.admin
    other_tenant = await api.call(key, "GET", f"/v1/tenants/{tenant.id}", expect=404)
    assert tenant.id in other_tenant.json()["detail"]
    assert (await api.call(key, "GET", "/v1/campaigns", expect=200)).json()["items"] == []
    assert (await api.call(key, "GET", "/v1/templates", expect=200)).json()["items"] == []
    assert (await api.call(key, "GET", "/v1/connections", expect=200)).json() == []
    shown = await api.call(key, "POST", "/v1/commands", json={"command": "/send sid1"})
    assert shown.status_code == 404
    refused = await api.call(key, "POST", "/v1/campaigns", json=CAMPAIGN)
    assert refused.status_code == 422
    assert "unknown connection 'tg-main'" in refused.json()["detail"]
    refused = await api.call(
        key,
        "POST",
        "/v1/campaigns",
        json={**CAMPAIGN, "content": {"kind": "template", "template": "promo"}},
    )
    assert "unknown template 'promo'" in refused.json()["detail"]
    own = await api.call(tenant.admin, "GET", "/v1/campaigns", expect=200)
    assert [c["id"] for c in own.json()["items"]] == [campaign_id]
