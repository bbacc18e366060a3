"""A real browser for the console's tests: Debian's chromium, driven by Playwright.

`playwright install` cannot download browsers on these machines, so the tests
launch the system's chromium (`CHROMIUM_PATH`, default /usr/bin/chromium), which
`make test` installs when it is missing (scripts/bootstrap.sh browser)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from playwright.async_api import Browser, BrowserContext, Page, async_playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
LAPTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    if not os.path.exists(CHROMIUM):
        raise RuntimeError(
            f"no chromium at {CHROMIUM}: run `scripts/bootstrap.sh browser` (Debian package "
            "chromium) or set CHROMIUM_PATH"
        )
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            yield browser
        finally:
            await browser.close()


async def signed_in(
    browser: Browser,
    base_url: str,
    key: str,
    *,
    viewport: dict[str, int] | None = None,
    time_zone: str = "Europe/Moscow",
) -> tuple[BrowserContext, Page]:
    """A new browser profile signed in to the console with `key`, on the campaigns page."""
    context = await browser.new_context(
        base_url=base_url,
        viewport=viewport or LAPTOP,  # type: ignore[arg-type]
        timezone_id=time_zone,
        accept_downloads=True,
        locale="en-GB",
    )
    page = await context.new_page()
    await page.goto("/console/")
    await page.get_by_label("API key").fill(key)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(at_path("/console/campaigns"))
    return context, page


def at_path(path: str) -> Callable[[str], bool]:
    """For `wait_for_url`: a page whose path is `path` (a glob like
    `**/console/campaigns` also matches `/console/sign-in?next=/console/campaigns`)."""
    return lambda url: urlsplit(url).path == path
