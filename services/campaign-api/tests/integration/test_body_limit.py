"""Request bodies are capped while they arrive (MAX_JSON_BODY_BYTES, and
MAX_ID_LIST_BODY_BYTES for the calls that carry lists of ids): a body over the
cap is answered 413 naming it, with or without `Content-Length`, and the
campaign-api's memory does not grow with the size of what was sent."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from campaign_api.settings import Settings

from .conftest import Api, Tenant

pytestmark = pytest.mark.integration

DEFAULT = Settings().max_json_body_bytes
ID_LISTS = Settings().max_id_list_body_bytes
MB = 1024 * 1024
JSON = {"Content-Type": "application/json"}
DRY_RUN = {
    "connection_id": "tg-main",
    "audience": {"kind": "all"},
    "content": {"kind": "text", "text": "Hi {name}"},
    "start_at": "2098-01-01 00:00:00",
}


def padded(body: dict[str, Any], size: int) -> bytes:
    """`body` as JSON of exactly `size` bytes (spaces after the last brace)."""
    encoded = json.dumps(body).encode()
    return encoded + b" " * (size - len(encoded))


async def spaces(size: int, chunk: int = MB) -> AsyncIterator[bytes]:
    """`size` bytes in fresh chunks, sent chunked (no Content-Length)."""
    yield b"["
    for _ in range(size // chunk):
        yield b" " * chunk


def resident_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@dataclass
class Probe:
    """The resident memory, measured each time the API asks for the next chunk:
    then it holds all it kept of the chunks before."""

    before: int = field(default_factory=resident_bytes)
    peak: int = 0

    async def chunks(self, size: int) -> AsyncIterator[bytes]:
        async for chunk in spaces(size):
            self.peak = max(self.peak, resident_bytes())
            yield chunk

    @property
    def growth(self) -> int:
        return self.peak - self.before


def assert_refused(answered: httpx.Response, limit: int, setting: str) -> None:
    assert answered.status_code == 413, answered.text[:300]
    body = answered.json()
    assert body["code"] == "too_large"
    assert f"limit of {limit:,} bytes ({setting})" in body["detail"]


async def test_a_body_over_the_limit_is_refused_and_one_at_it_is_not(
    api: Api, tenant: Tenant
) -> None:
    at_limit = padded({"name": "roomy", "steps": []}, DEFAULT)
    created = await api.call(tenant.admin, "POST", "/v1/templates", content=at_limit, headers=JSON)
    assert created.status_code == 201, created.text
    over = padded({"name": "roomier", "steps": []}, DEFAULT + 1)
    refused = await api.call(tenant.admin, "POST", "/v1/templates", content=over, headers=JSON)
    assert_refused(refused, DEFAULT, "MAX_JSON_BODY_BYTES")
    await api.call(tenant.admin, "GET", "/v1/templates/roomier", expect=404)


async def test_the_calls_that_carry_id_lists_take_more(api: Api, tenant: Tenant) -> None:
    big = padded(DRY_RUN, DEFAULT + MB)
    answered = await api.call(
        tenant.admin, "POST", "/v1/campaigns", params={"dry_run": "true"}, content=big, headers=JSON
    )
    assert answered.status_code == 200, answered.text
    refused = await api.call(
        tenant.admin,
        "POST",
        "/v1/campaigns",
        params={"dry_run": "true"},
        content=spaces(ID_LISTS + MB),
        headers=JSON,
    )
    assert_refused(refused, ID_LISTS, "MAX_ID_LIST_BODY_BYTES")
    assert "POST /v1/audience/lists" in refused.json()["detail"]


async def test_a_chunked_50_mb_body_is_refused_without_the_memory_growing(
    api: Api, tenant: Tenant
) -> None:
    probe = Probe()
    answered = await api.call(
        tenant.admin, "POST", "/v1/templates", content=probe.chunks(50 * MB), headers=JSON
    )
    assert "content-length" not in answered.request.headers
    assert probe.growth < DEFAULT + 16 * MB, f"resident memory rose {probe.growth / MB:.0f} MB"
    assert_refused(answered, DEFAULT, "MAX_JSON_BODY_BYTES")
