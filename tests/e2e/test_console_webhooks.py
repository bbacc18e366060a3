"""The console's Webhooks page in a real browser: an admin adds a webhook to a
local receiver, keeps the secret shown once, sends a test event and sees it
delivered in the log; the receiver got it signed with that secret."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from aiohttp import web
from campaign_api.webhooks.signing import SIGNATURE_HEADER, verify
from playwright.async_api import Browser, expect
from test_support.api_client import CampaignApi
from test_support.browser import signed_in

from .conftest import World

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]


@asynccontextmanager
async def receiver(got: list[web.Request], bodies: list[bytes]) -> AsyncIterator[str]:
    """A local HTTP server answering 200; the URL of its /hook."""

    async def hook(request: web.Request) -> web.Response:
        bodies.append(await request.read())
        got.append(request)
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server = site._server
    assert server is not None
    port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}/hook"
    finally:
        await runner.cleanup()


async def test_an_admin_adds_a_webhook_and_sends_it_a_test_event(
    world: World, browser: Browser
) -> None:
    async with CampaignApi(world.system.api_url, world.system.platform_key) as platform:
        key = await platform.create_tenant(f"hooks-{uuid.uuid4().hex[:6]}")
    got: list[web.Request] = []
    bodies: list[bytes] = []
    async with receiver(got, bodies) as url:
        context, page = await signed_in(browser, world.system.api_url, key)
        try:
            await page.get_by_role("link", name="Webhooks").click()
            await page.get_by_label("Address").fill(url)
            await page.get_by_label("Completed").check()
            await page.get_by_role("button", name="Add the webhook").click()
            secret = await page.locator("[data-secret]").inner_text()
            assert secret.startswith("whsec_")
            await page.get_by_role("link", name=url).click()
            await expect(page.get_by_text("Nothing was sent to it yet.")).to_be_visible()
            await page.get_by_role("button", name="Send a test event").click()
            delivered = page.locator('[data-status="delivered"]')
            await expect(delivered).to_have_count(1)
            await expect(delivered).to_contain_text("Test")
            await expect(delivered).to_contain_text("200")
        finally:
            await context.close()
    (request,) = got
    assert verify(secret, request.headers[SIGNATURE_HEADER], bodies[0], now=int(time.time()))
