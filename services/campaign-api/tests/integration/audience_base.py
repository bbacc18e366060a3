"""What the import and audience tests share: the audience-resolver's contact base
as stored (read straight from its schema), and imports made through the API."""

from __future__ import annotations

import json
from typing import Any

import asyncpg
import httpx
from test_support.waiting import eventually

from .conftest import Api, Tenant

CSV = {"Content-Type": "text/csv"}
JSON_LINES = {"Content-Type": "application/x-ndjson"}


async def add_whatsapp(api: Api, tenant: Tenant, connection_id: str = "wa-main") -> None:
    await api.call(
        tenant.admin,
        "PUT",
        f"/v1/connections/{connection_id}",
        json={
            "channel": "whatsapp",
            "credentials": {"access_token": "wa-token", "phone_number_id": "1234567890"},
        },
        expect=201,
    )


async def import_rows(
    api: Api, tenant: Tenant, body: bytes, *, headers: dict[str, str] = CSV, **params: str
) -> dict[str, Any]:
    response = await api.call(
        tenant.admin,
        "POST",
        "/v1/contacts/import",
        content=body,
        headers=headers,
        params=params,
        expect=200,
    )
    report: dict[str, Any] = response.json()
    return report


async def contacts_of(api: Api, tenant_id: str) -> list[asyncpg.Record]:
    """The tenant's dialogs as the resolver stored them, by connection and id."""
    conn = await asyncpg.connect(api.database_url)
    try:
        await conn.set_type_codec(
            "jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog"
        )
        return await conn.fetch(
            "SELECT *, xmin::text AS version FROM audience.contacts WHERE tenant_id = $1"
            " ORDER BY connection_id, external_id",
            tenant_id,
        )
    finally:
        await conn.close()


async def stored(api: Api, tenant_id: str, count: int) -> list[asyncpg.Record]:
    """The tenant's dialogs once there are `count` of them."""

    async def arrived() -> list[asyncpg.Record] | None:
        rows = await contacts_of(api, tenant_id)
        return rows if len(rows) >= count else None

    return await eventually(arrived, timeout=30, what=f"{count} contacts of {tenant_id}")


async def count_of(api: Api, tenant_id: str) -> int:
    conn = await asyncpg.connect(api.database_url)
    try:
        count: int = await conn.fetchval(
            "SELECT count(*) FROM audience.contacts WHERE tenant_id = $1", tenant_id
        )
        return count
    finally:
        await conn.close()


def error_lines(report: dict[str, Any]) -> list[int]:
    return [error["line"] for error in report["errors"]]


def response_detail(response: httpx.Response) -> str:
    detail: str = response.json()["detail"]
    return detail
