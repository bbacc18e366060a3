"""A tenant's API keys as the platform sees them: listed without the keys,
revoked at once, marked when last used without a write on every request."""

from __future__ import annotations

from datetime import datetime
from uuid import uuid4

import asyncpg
import pytest

from .conftest import PLATFORM_KEY, Api, new_tenant

pytestmark = pytest.mark.integration


def moment(value: object) -> datetime:
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


async def keys_of(api: Api, tenant_id: str) -> list[dict[str, object]]:
    listed = await api.call(PLATFORM_KEY, "GET", f"/v1/tenants/{tenant_id}/api-keys", expect=200)
    keys: list[dict[str, object]] = listed.json()
    return keys


async def test_the_listing_shows_each_key_but_never_the_key(api: Api) -> None:
    tenant = await new_tenant(api)
    keys = await keys_of(api, tenant.id)
    assert [(k["id"], k["role"]) for k in keys] == [
        (tenant.key_ids["admin"], "admin"),
        (tenant.key_ids["operator"], "operator"),
    ]
    admin = keys[0]
    assert set(admin) == {
        "id",
        "tenant_id",
        "role",
        "key_prefix",
        "label",
        "connection_id",
        "external_id",
        "created_at",
        "last_used_at",
        "revoked_at",
    }
    assert tenant.admin.startswith(str(admin["key_prefix"]))
    assert tenant.admin not in str(keys)
    assert admin["revoked_at"] is None
    await api.call(PLATFORM_KEY, "GET", "/v1/tenants/t-nobody/api-keys", expect=404)


async def test_a_revoked_key_is_refused_at_once(api: Api) -> None:
    tenant = await new_tenant(api)
    await api.call(tenant.operator, "GET", "/v1/campaigns", expect=200)
    path = f"/v1/tenants/{tenant.id}/api-keys/{tenant.key_ids['operator']}"
    revoked = await api.call(PLATFORM_KEY, "DELETE", path, expect=200)
    assert revoked.json()["revoked_at"] is not None
    refused = await api.call(tenant.operator, "GET", "/v1/campaigns", expect=401)
    assert refused.json()["detail"] == "unknown or revoked API key"
    await api.call(tenant.admin, "GET", "/v1/campaigns", expect=200)  # the other key works
    again = await api.call(PLATFORM_KEY, "DELETE", path, expect=200)
    assert again.json()["revoked_at"] == revoked.json()["revoked_at"]
    listed = {k["id"]: k for k in await keys_of(api, tenant.id)}
    assert listed[tenant.key_ids["operator"]]["revoked_at"] == revoked.json()["revoked_at"]
    assert listed[tenant.key_ids["admin"]]["revoked_at"] is None


async def test_an_unknown_key_or_another_tenants_answers_404(api: Api) -> None:
    tenant, other = await new_tenant(api), await new_tenant(api)
    unknown = await api.call(
        PLATFORM_KEY, "DELETE", f"/v1/tenants/{tenant.id}/api-keys/{uuid4()}", expect=404
    )
    assert "has no API key" in unknown.json()["detail"]
    theirs = f"/v1/tenants/{other.id}/api-keys/{tenant.key_ids['admin']}"
    await api.call(PLATFORM_KEY, "DELETE", theirs, expect=404)
    await api.call(tenant.admin, "GET", "/v1/campaigns", expect=200)  # still works
    for key in (tenant.admin, other.admin):  # a tenant's own admin may not revoke
        own = f"/v1/tenants/{tenant.id}/api-keys/{tenant.key_ids['operator']}"
        await api.call(key, "DELETE", own, expect=403)
        await api.call(key, "GET", f"/v1/tenants/{tenant.id}/api-keys", expect=403)


async def test_last_used_at_is_written_at_most_once_a_minute(api: Api) -> None:
    tenant = await new_tenant(api)
    key_id = tenant.key_ids["admin"]
    assert (await keys_of(api, tenant.id))[0]["last_used_at"] is None
    await api.call(tenant.admin, "GET", "/v1/campaigns", expect=200)
    first = moment((await keys_of(api, tenant.id))[0]["last_used_at"])
    connection = await asyncpg.connect(api.database_url)
    try:
        versions = "SELECT xmin::text FROM campaign_api.api_keys WHERE id = $1::uuid"
        before = await connection.fetchval(versions, key_id)
        for _ in range(5):
            await api.call(tenant.admin, "GET", "/v1/campaigns", expect=200)
        assert await connection.fetchval(versions, key_id) == before, "no write within the minute"
        assert moment((await keys_of(api, tenant.id))[0]["last_used_at"]) == first
        await connection.execute(
            "UPDATE campaign_api.api_keys SET last_used_at = last_used_at - interval '61 seconds'"
            " WHERE id = $1::uuid",
            key_id,
        )
        await api.call(tenant.admin, "GET", "/v1/campaigns", expect=200)
    finally:
        await connection.close()
    later = moment((await keys_of(api, tenant.id))[0]["last_used_at"])
    assert later >= first, "marked again once a minute had passed"
