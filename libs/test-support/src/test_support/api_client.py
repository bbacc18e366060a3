"""A small client of the campaign-api for tests, benchmarks and the demo."""

from __future__ import annotations

from typing import Any

import httpx


class ApiError(AssertionError):
    pass


class CampaignApi:
    def __init__(self, base_url: str, key: str, *, timeout: float = 60.0) -> None:
        self.base_url = base_url
        self._client = httpx.AsyncClient(
            base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=timeout
        )

    async def __aenter__(self) -> CampaignApi:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._client.aclose()

    async def call(
        self,
        method: str,
        path: str,
        *,
        expect: int | tuple[int, ...] = (200, 201, 202),
        **kwargs: Any,
    ) -> Any:
        response = await self._client.request(method, path, **kwargs)
        expected = (expect,) if isinstance(expect, int) else expect
        if response.status_code not in expected:
            raise ApiError(f"{method} {path}: {response.status_code} {response.text}")
        media_type = response.headers.get("content-type", "").split(";")[0].strip()
        if media_type in ("application/json", "application/problem+json"):
            return response.json()
        return response.text

    async def create_tenant(self, tenant_id: str, **fields: Any) -> str:
        """As the platform: create a tenant and return a new admin key for it."""
        await self.call("PUT", f"/v1/tenants/{tenant_id}", json={"plan": "paid", **fields})
        created = await self.call(
            "POST", f"/v1/tenants/{tenant_id}/api-keys", json={"role": "admin"}
        )
        key: str = created["key"]
        return key

    async def campaign(self, campaign_id: str) -> dict[str, Any]:
        found: dict[str, Any] = await self.call("GET", f"/v1/campaigns/{campaign_id}")
        return found
