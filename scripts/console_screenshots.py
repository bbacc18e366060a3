"""`make screenshots`: a picture of every page of the web console, taken in
Debian's chromium from the stack `make demo` leaves running, into docs/console/.

It signs in with a new admin key of the demo tenant, walks the wizard (showing
the AI samples and the subscription warning), and opens each page in English,
then the campaigns page in Russian and at phone width."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import httpx
from playwright.async_api import Page
from test_support.browser import PHONE, chromium, signed_in

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "console"
API = "http://127.0.0.1:8080"
PLATFORM_KEY = "dev-platform-key"
TENANT = "demo"


def admin_key() -> str:
    headers = {"Authorization": f"Bearer {PLATFORM_KEY}"}
    with httpx.Client(base_url=API, headers=headers, timeout=30) as platform:
        answer = platform.post(
            f"/v1/tenants/{TENANT}/api-keys", json={"role": "admin", "label": "screenshots"}
        )
        answer.raise_for_status()
        key: str = answer.json()["key"]
        return key


async def shot(page: Page, name: str) -> None:
    await page.wait_for_timeout(400)
    await page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
    print(f"docs/console/{name}.png")


async def wizard(page: Page) -> None:
    await page.goto("/console/campaigns/new")
    await page.get_by_label("Campaign name").fill("Winter offer")
    await shot(page, "wizard-1-name")
    await page.get_by_role("button", name="Next", exact=True).click()
    await page.get_by_label("Telegram", exact=True).check()
    await page.get_by_label("Any of the labels").fill("newsletter")
    await page.locator("[data-estimate-total]").filter(has_text="300").wait_for()
    await shot(page, "wizard-2-audience")
    await page.get_by_role("button", name="Next", exact=True).click()
    await page.locator("[data-estimate-result]").wait_for()
    await shot(page, "wizard-3-estimate")
    await page.get_by_role("button", name="Next", exact=True).click()
    await page.get_by_label("AI generation").check()
    await page.get_by_label("Prompt for the AI agent").fill("Invite {name} to our winter offer")
    await page.get_by_label("Fallback text (sent if generation fails)").fill("Hello, {name}!")
    await page.get_by_role("button", name="Show sample texts").click()
    await page.locator("[data-sample], [data-no-samples]").first.wait_for(timeout=30_000)
    await shot(page, "wizard-4-content-ai-samples")
    await page.get_by_role("button", name="Next", exact=True).click()
    await page.get_by_label("Seconds between messages").fill("2")
    await shot(page, "wizard-5-interval")
    await page.get_by_role("button", name="Next", exact=True).click()
    await page.get_by_label("At a date and time").check()
    late = datetime.now() + timedelta(days=800)
    await page.get_by_label("Date and time", exact=True).fill(late.strftime("%Y-%m-%dT%H:%M"))
    await page.locator("[data-subscription-warning]").wait_for()
    await shot(page, "wizard-6-start-subscription-warning")
    soon = datetime.now() + timedelta(days=1)
    await page.get_by_label("Date and time", exact=True).fill(soon.strftime("%Y-%m-%dT%H:%M"))
    await page.locator("[data-start-ok]").wait_for()
    await page.get_by_role("button", name="Next", exact=True).click()
    await page.locator("[data-review]").wait_for()
    await shot(page, "wizard-7-review")


async def pages(page: Page) -> None:
    await page.goto("/console/campaigns")
    await shot(page, "campaigns")
    await page.get_by_role("link", name="Demo: autumn sale").first.click()
    await shot(page, "campaign")
    await page.goto("/console/campaigns")
    await page.locator("[data-cancel]").first.click()
    await shot(page, "cancel-confirmation")
    for name in ("templates", "connections", "operator-group"):
        await page.goto(f"/console/{name}")
        await shot(page, name)


async def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    key = admin_key()
    async with chromium() as browser:
        context, page = await signed_in(browser, API, key)
        await shot(page, "campaigns-live")
        await pages(page)
        await wizard(page)
        await page.goto("/console/language/ru?next=/console/campaigns")
        await shot(page, "campaigns-ru")
        await context.close()
        context, page = await signed_in(browser, API, key, viewport=PHONE)
        await shot(page, "campaigns-phone")
        await context.close()
        context = await browser.new_context(base_url=API)
        page = await context.new_page()
        await page.goto("/console/sign-in")
        await shot(page, "sign-in")
        await context.close()


if __name__ == "__main__":
    asyncio.run(main())
