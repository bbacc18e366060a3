"""The API answers on the real broker and database."""

from __future__ import annotations

from .conftest import Api, Tenant


async def test_health_and_a_tenant_of_its_own(api: Api, tenant: Tenant) -> None:
    health = await api.call(None, "GET", "/health", expect=200)
    assert health.json()["ok"] is True
    found = await api.call(tenant.admin, "GET", f"/v1/tenants/{tenant.id}", expect=200)
    assert found.json()["id"] == tenant.id
