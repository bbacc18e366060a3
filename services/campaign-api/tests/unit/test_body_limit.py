"""The body limit on a small app of its own: refused with 413 past the limit
whether or not `Content-Length` says so, accepted up to it, and none on the
routes that stream their body themselves."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from campaign_api.api.body_limit import BodyLimitMiddleware, BodyLimits, Limit
from fastapi import FastAPI, Request

LIMIT = 1000


def app() -> FastAPI:
    made = FastAPI()

    @made.post("/json")
    async def take_json(body: dict[str, Any]) -> dict[str, int]:
        return {"keys": len(body)}

    @made.post("/stream")
    async def take_stream(request: Request) -> dict[str, int]:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
        return {"size": size}

    limits = BodyLimits(
        default=Limit(LIMIT, "MAX_JSON_BODY_BYTES"), routes={("POST", "/stream"): None}
    )
    made.add_middleware(BodyLimitMiddleware, limits=limits)
    return made


async def post(path: str, **kw: Any) -> httpx.Response:
    transport = httpx.ASGITransport(app=app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.post(path, **kw)


def padded(size: int) -> bytes:
    """A JSON object of exactly `size` bytes."""
    start = b'{"a": 1'
    return start + b" " * (size - len(start) - 1) + b"}"


async def chunks(body: bytes, size: int = 100) -> AsyncIterator[bytes]:
    for at in range(0, len(body), size):
        yield body[at : at + size]


def assert_refused(response: httpx.Response) -> None:
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "urn:problem:too_large",
        "title": "Too large",
        "status": 413,
        "detail": "the request body is larger than this call's limit of 1,000 bytes "
        "(MAX_JSON_BODY_BYTES): send a smaller body",
        "code": "too_large",
    }


async def test_a_body_up_to_the_limit_is_read() -> None:
    headers = {"Content-Type": "application/json"}
    answered = await post("/json", content=padded(LIMIT), headers=headers)
    assert (answered.status_code, answered.json()) == (200, {"keys": 1})
    streamed = await post("/json", content=chunks(padded(LIMIT)), headers=headers)
    assert (streamed.status_code, streamed.json()) == (200, {"keys": 1})


async def test_content_length_over_the_limit_is_refused_before_reading() -> None:
    headers = {"Content-Type": "application/json"}
    assert_refused(await post("/json", content=padded(LIMIT + 1), headers=headers))


@pytest.mark.parametrize("size", [LIMIT + 1, 50 * LIMIT])
async def test_a_chunked_body_is_refused_once_it_passes_the_limit(size: int) -> None:
    read = 0

    async def counted() -> AsyncIterator[bytes]:
        nonlocal read
        async for chunk in chunks(padded(size)):
            read += len(chunk)
            yield chunk

    headers = {"Content-Type": "application/json"}
    answered = await post("/json", content=counted(), headers=headers)
    assert "content-length" not in answered.request.headers
    assert_refused(answered)
    assert read <= LIMIT + 100, "no more is read than the chunk that passed the limit"


async def test_a_route_without_a_limit_reads_it_all() -> None:
    answered = await post("/stream", content=chunks(b"x" * 50 * LIMIT))
    assert (answered.status_code, answered.json()) == (200, {"size": 50 * LIMIT})
