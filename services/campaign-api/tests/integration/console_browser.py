"""A browser's session with the console, through the app: signed in with a key
(the session cookie kept by the client), forms posted with the session's CSRF
token from this origin."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from .conftest import Api

ORIGIN = {"Origin": "http://campaign-api"}


class Browser:
    """A signed-in console session: its client (cookies) and its CSRF token."""

    def __init__(self, client: httpx.AsyncClient, csrf: str) -> None:
        self.client = client
        self.csrf = csrf

    async def get(self, path: str, expect: int = 200) -> str:
        page = await self.client.get(path)
        assert page.status_code == expect, f"GET {path}: {page.status_code} {page.text[:500]}"
        return page.text

    async def post(
        self, path: str, expect: int = 303, csrf: bool = True, **fields: str
    ) -> httpx.Response:
        data = {"csrf_token": self.csrf, **fields} if csrf else fields
        answer = await self.client.post(path, data=data, headers=ORIGIN)
        assert answer.status_code == expect, f"POST {path}: {answer.status_code} {answer.text}"
        return answer


async def sign_in(client: httpx.AsyncClient, key: str, next_path: str) -> httpx.Response:
    """Fill and post the sign-in form as a browser does (its token, this origin)."""
    form = await client.get("/console/sign-in")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token, form.text
    return await client.post(
        "/console/sign-in",
        data={"api_key": key, "csrf_token": token.group(1), "next": next_path},
        headers=ORIGIN,
    )


@asynccontextmanager
async def signed_in(api: Api, key: str) -> AsyncIterator[Browser]:
    async with api.client(None) as client:
        answer = await sign_in(client, key, "/console/templates")
        assert answer.status_code == 303, answer.text
        page = await client.get("/console/templates")
        csrf = re.search(r'<meta name="csrf-token" content="([^"]+)">', page.text)
        assert csrf, page.text
        yield Browser(client, csrf.group(1))
