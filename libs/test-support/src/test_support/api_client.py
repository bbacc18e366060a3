"""A small client of the campaign-api for tests, benchmarks and the demo."""

from __future__ import annotations

from typing import Any

import httpx

from .waiting import eventually


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

    async def import_contacts(self, csv: str) -> dict[str, Any]:
        """`POST /v1/contacts/import` of a CSV text; the import's counts."""
        counts: dict[str, Any] = await self.call(
            "POST", "/v1/contacts/import", content=csv, headers={"Content-Type": "text/csv"}
        )
        return counts

    async def until_estimated(
        self, audience: dict[str, Any], size: int, *, connection_id: str | None = None
    ) -> None:
        """Wait (up to 60 s) until the estimate of `audience` counts `size`: the
        audience-resolver stores imported contacts after the API has answered."""
        body: dict[str, Any] = {"audience": audience}
        if connection_id is not None:
            body["connection_id"] = connection_id

        async def reached() -> bool:
            found = await self.call("POST", "/v1/audience/estimate", json=body)
            return bool(found["audience_size"] == size)

        await eventually(reached, timeout=60, interval=0.3, what="the import to be stored")
