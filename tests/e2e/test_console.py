"""The web console in a real browser (Debian's chromium): a person signs in, walks
the campaign wizard through every step, watches the campaign complete with its
failures in red, opens its results and downloads the report, cancels another
campaign; an operator sees what the roles allow; another tenant's campaign is not
reachable by id."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Browser, Page, expect
from test_support.api_client import CampaignApi
from test_support.browser import PHONE, at_path, signed_in

from .conftest import World
from .console_world import ConsoleTenant, console_tenant, extend_subscription, new_key

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

RED = "rgb(198, 40, 40)"
MOSCOW = ZoneInfo("Europe/Moscow")


def local(moment: datetime) -> str:
    """A moment as the datetime-local input takes it, in the browser's zone."""
    return moment.astimezone(MOSCOW).strftime("%Y-%m-%dT%H:%M")


async def status_of(page: Page, path: str) -> int:
    answer = await page.goto(path)
    assert answer is not None
    return answer.status


async def next_step(page: Page) -> None:
    await page.get_by_role("button", name="Next", exact=True).click()


UNLABELLED = """() => [...document.querySelectorAll(
    "input:not([type=hidden]), select, textarea, button")].filter(
    (e) => !(e.labels && e.labels.length) && !e.getAttribute("aria-label")
        && !(e.tagName === "BUTTON" && e.textContent.trim())).map((e) => e.outerHTML)"""


async def walk_the_wizard(page: Page, world: World, tenant: ConsoleTenant) -> None:
    """Every step of the wizard, as the reference describes them."""
    await page.get_by_role("link", name="Create campaign").click()
    assert await page.evaluate(UNLABELLED) == [], "every control has a label"
    await page.get_by_label("Campaign name").fill("Console: winter offer")
    await next_step(page)
    # step 2: filters, with the live count
    await page.get_by_label("Telegram", exact=True).check()
    await page.get_by_label("Any of the labels").fill(tenant.label)
    await expect(page.locator("[data-estimate-total]")).to_have_text(str(len(tenant.people)))
    await page.get_by_label("Any of the labels").fill(tenant.label + "-nobody")
    await expect(page.locator("[data-estimate-total]")).to_have_text("0")
    await page.get_by_label("Any of the labels").fill(tenant.label)
    await next_step(page)
    # step 3: the estimate and its note
    await expect(page.get_by_text(f"About {len(tenant.people)} recipients")).to_be_visible()
    await expect(page.get_by_text("By launch the number may change")).to_be_visible()
    await next_step(page)
    # step 4: AI content, with sample texts for real recipients
    await page.get_by_label("AI generation").check()
    await page.get_by_label("Prompt for the AI agent").fill("Invite {name} to the winter offer")
    await page.get_by_label("Fallback text (sent if generation fails)").fill("Hello, {name}!")
    await page.get_by_role("button", name="Show sample texts").click()
    samples = page.locator("[data-sample]")
    await expect(samples.first).to_be_visible(timeout=30_000)
    await expect(samples).to_have_count(5)  # DRY_RUN_SAMPLES
    assert "Person" in (await samples.first.inner_text())
    await next_step(page)
    # step 5: the interval, with the channel's minimum shown
    await expect(page.get_by_text("at least 0 s between messages")).to_be_visible()
    await page.get_by_label("Seconds between messages").fill("0")
    await next_step(page)
    await start_step(page, world, tenant, quiet_now=True)
    # step 7: the review with its pre-flight (the pace and finish; quiet hours of the
    # campaign's own around now warn), then back to the settings' quiet hours, and create
    review = page.locator("[data-review]")
    await expect(review).to_contain_text("Console: winter offer")
    await expect(review).to_contain_text(tenant.label)
    await expect(page.locator("[data-review-box] table")).to_contain_text(tenant.connection)
    preflight = page.locator("[data-review-box] [data-preflight]")
    await expect(preflight.locator("[data-preflight-duration]")).to_contain_text("done around")
    await expect(preflight.locator("[data-preflight-warning]")).to_contain_text(
        "The start is inside quiet hours"
    )
    await page.get_by_role("button", name="Back").click()
    await page.get_by_label("As in the settings").check()
    await next_step(page)
    await expect(page.locator("[data-review-box] [data-preflight-warning]")).to_have_count(0)
    await page.get_by_role("button", name="Create campaign").click()
    await page.wait_for_url(at_path("/console/campaigns"))


async def start_step(
    page: Page, world: World, tenant: ConsoleTenant, *, quiet_now: bool = False
) -> None:
    """A start after the subscription ends warns and blocks Next until the
    subscription is extended and "Refresh status" checks again.  `quiet_now`: the
    campaign's own quiet hours from three hours ago to two hours on (UTC, the
    recipients' zone)."""
    await page.get_by_label("At a date and time").check()
    await page.get_by_label("Date and time", exact=True).fill(
        local(datetime.now(MOSCOW) + timedelta(days=30))
    )
    warning = page.locator("[data-subscription-warning]")
    await expect(warning).to_be_visible()
    await expect(page.get_by_role("button", name="Next", exact=True)).to_be_disabled()
    await extend_subscription(world, tenant.tenant_id, days=365)
    await page.get_by_role("button", name="Refresh status").click()
    await expect(warning).to_have_count(0)
    await expect(page.locator("[data-start-ok]")).to_be_visible()
    # a time in the past starts the campaign at once
    await page.get_by_label("Date and time", exact=True).fill(
        local(datetime.now(MOSCOW) - timedelta(hours=1))
    )
    await expect(page.locator("[data-start-ok]")).to_be_visible()
    if quiet_now:
        now = datetime.now(UTC)
        await page.get_by_label("This campaign's own").check()
        await page.get_by_label("Quiet from").fill(f"{(now - timedelta(hours=3)):%H:%M}")
        await page.get_by_label("Quiet until").fill(f"{(now + timedelta(hours=2)):%H:%M}")
    await next_step(page)


async def test_a_person_creates_watches_and_reads_a_campaign(
    world: World, browser: Browser
) -> None:
    tenant = await console_tenant(world)
    context, page = await signed_in(browser, world.system.api_url, tenant.admin_key)
    try:
        await walk_the_wizard(page, world, tenant)
        row = page.locator("tr", has_text="Console: winter offer")
        await expect(row.locator("[data-status]")).to_have_text("Completed", timeout=90_000)
        failed = row.locator(".counts .failed b")
        await expect(failed).to_have_text(str(len(tenant.blocked)))
        assert await failed.evaluate("e => getComputedStyle(e).color") == RED
        bar = row.locator(".part.failed")
        assert await bar.evaluate("e => parseFloat(e.style.width)") > 0
        assert await bar.evaluate("e => getComputedStyle(e).backgroundColor") == RED
        await row.get_by_role("link", name="Console: winter offer").click()
        await read_results(page, tenant)
    finally:
        await context.close()


async def read_results(page: Page, tenant: ConsoleTenant) -> None:
    """The campaign's page: counters, failures by reason, results, the CSV."""
    stats = page.locator(".stats")
    await expect(stats).to_contain_text(f"Sent {len(tenant.people) - len(tenant.blocked)}")
    reasons = page.locator("table", has_text="Reason")
    await expect(reasons).to_contain_text("bot was blocked by the user")
    await page.get_by_label("Status", exact=True).select_option("failed")
    await page.get_by_role("button", name="Filter").click()
    results = page.locator("table.results tbody tr")
    await expect(results).to_have_count(len(tenant.blocked))
    first = results.first.locator("td.failed").first
    assert await first.evaluate("e => getComputedStyle(e).color") == RED
    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="Download CSV report").click()
    download = await download_info.value
    text = Path(await download.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(tenant.people)
    assert sum(r["status"] == "failed" for r in rows) == len(tenant.blocked)
    # every message sent, with its text; none for those it did not reach
    assert all(r["text"].strip() for r in rows if r["status"] == "sent")
    assert not any(r["text"] for r in rows if r["status"] == "failed")
    await page.get_by_label("Status", exact=True).select_option("sent")
    await page.get_by_role("button", name="Filter").click()
    await expect(page.get_by_role("columnheader", name="Text sent")).to_be_visible()
    texts = page.locator("table.results tbody td.sent-text")
    await expect(texts).to_have_count(len(tenant.people) - len(tenant.blocked))
    sent = {r["text"] for r in rows if r["status"] == "sent"}
    assert (await texts.first.inner_text()).strip() in {t.strip() for t in sent}


async def slow_campaign(world: World, tenant: ConsoleTenant, name: str) -> str:
    async with CampaignApi(world.system.api_url, tenant.admin_key) as api:
        created = await api.call(
            "POST",
            "/v1/campaigns",
            json={
                "name": name,
                "connection_id": tenant.connection,
                "audience": {"kind": "filter", "labels_any": [tenant.label]},
                "content": {"kind": "text", "text": "Hi {name}"},
                "interval_seconds": 3,
            },
        )
    campaign_id: str = created["campaign_id"]
    return campaign_id


async def test_a_person_cancels_a_campaign_from_the_list(world: World, browser: Browser) -> None:
    tenant = await console_tenant(world, people=8, blocked=0)
    campaign_id = await slow_campaign(world, tenant, "Console: to cancel")
    context, page = await signed_in(browser, world.system.api_url, tenant.admin_key)
    try:
        await page.get_by_role("link", name="Cancel campaign Console: to cancel").click()
        await expect(page.get_by_text("This cannot be undone")).to_be_visible()
        await page.get_by_role("button", name="Yes, cancel the campaign").click()
        await page.wait_for_url(at_path(f"/console/campaigns/{campaign_id}"))
        banner = page.get_by_text("This campaign was cancelled on")
        await expect(banner).to_be_visible(timeout=60_000)
        await expect(page.get_by_role("link", name="Cancel campaign")).to_have_count(0)
    finally:
        await context.close()


async def test_a_person_pauses_and_resumes_a_campaign_from_its_page(
    world: World, browser: Browser
) -> None:
    tenant = await console_tenant(world, people=8, blocked=0)
    campaign_id = await slow_campaign(world, tenant, "Console: to pause")
    context, page = await signed_in(browser, world.system.api_url, tenant.admin_key)
    try:
        await page.goto(f"/console/campaigns/{campaign_id}")
        await page.get_by_role("button", name="Pause", exact=True).click()
        await page.wait_for_url(at_path(f"/console/campaigns/{campaign_id}"))
        await expect(page.locator("[data-status]")).to_have_text("Paused")
        await expect(page.locator("[data-pause-reason]")).to_contain_text("nothing more is sent")
        await page.get_by_role("button", name="Resume", exact=True).click()
        await page.wait_for_url(at_path(f"/console/campaigns/{campaign_id}"))
        await expect(page.locator("[data-pause-reason]")).to_have_count(0)
        await expect(page.get_by_role("button", name="Pause", exact=True)).to_be_visible()
    finally:
        await context.close()


async def test_an_operator_sees_what_the_roles_allow(world: World, browser: Browser) -> None:
    tenant = await console_tenant(world, people=4, blocked=0)
    campaign_id = await slow_campaign(world, tenant, "Console: the admin's")
    operator = await new_key(world, tenant.tenant_id, "operator")
    context, page = await signed_in(browser, world.system.api_url, operator)
    try:
        await expect(page.get_by_role("link", name="Console: the admin's")).to_be_visible()
        await expect(page.get_by_role("link", name="Create campaign")).to_have_count(0)
        await expect(page.locator("[data-cancel]")).to_have_count(0)
        await expect(page.locator("[data-pause]")).to_have_count(0)
        await page.goto(f"/console/campaigns/{campaign_id}")
        await expect(page.get_by_role("link", name="Download CSV report")).to_be_visible()
        await expect(page.get_by_role("link", name="Cancel campaign")).to_have_count(0)
        assert await status_of(page, "/console/campaigns/new") == 403
        await expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    finally:
        await context.close()


async def test_another_tenants_campaign_is_not_reachable(world: World, browser: Browser) -> None:
    owner = await console_tenant(world, people=2, blocked=0)
    campaign_id = await slow_campaign(world, owner, "Console: private")
    other = await console_tenant(world, people=2, blocked=0)
    context, page = await signed_in(browser, world.system.api_url, other.admin_key)
    try:
        await expect(page.get_by_role("link", name="Console: private")).to_have_count(0)
        for path in ("", "/report.csv", "/cancel"):
            assert await status_of(page, f"/console/campaigns/{campaign_id}{path}") == 404, path
        await expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    finally:
        await context.close()


async def test_the_console_works_with_the_keyboard(world: World, browser: Browser) -> None:
    """Sign in, open the wizard and step through it without a mouse."""
    tenant = await console_tenant(world, people=2, blocked=0)
    context = await browser.new_context(base_url=world.system.api_url)
    page = await context.new_page()
    try:
        await page.goto("/console/")
        await page.keyboard.type(tenant.admin_key)  # the key field has the focus
        await page.keyboard.press("Enter")
        await page.wait_for_url(at_path("/console/campaigns"))
        for _ in range(30):
            await page.keyboard.press("Tab")
            if await page.evaluate("document.activeElement.textContent") == "Create campaign":
                break
        await page.keyboard.press("Enter")
        await page.wait_for_url(at_path("/console/campaigns/new"))
        await page.get_by_label("Campaign name").focus()
        await page.keyboard.type("Keyboard only")
        await page.keyboard.press("Tab")  # Back
        await page.keyboard.press("Tab")  # Next
        await page.keyboard.press("Enter")
        await expect(page.get_by_text("Step 2 of 7: audience")).to_be_visible()
        focused = await page.evaluate("document.activeElement.dataset.step")
        assert focused == "2", "the new step takes the focus"
    finally:
        await context.close()


async def test_russian_at_phone_width_and_signing_out(world: World, browser: Browser) -> None:
    tenant = await console_tenant(world, people=2, blocked=0)
    context, page = await signed_in(browser, world.system.api_url, tenant.admin_key, viewport=PHONE)
    try:
        await page.get_by_role("link", name="Русский").click()
        await expect(page.get_by_role("heading", name="Рассылки")).to_be_visible()
        await expect(page.get_by_role("link", name="Создать рассылку")).to_be_visible()
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], "the page scrolls sideways at phone width"
        await page.get_by_role("button", name="Выйти").click()
        await page.wait_for_url(at_path("/console/sign-in"))
        await page.goto("/console/campaigns")
        await page.wait_for_url("**/console/sign-in?next=/console/campaigns")
    finally:
        await context.close()


async def test_a_person_ticks_dialogs_found_by_search(world: World, browser: Browser) -> None:
    """The reference's launch "from Dialogs": the recipients are the dialogs ticked
    in a searchable list, kept across searches."""
    tenant = await console_tenant(world, people=6, blocked=0)
    context, page = await signed_in(browser, world.system.api_url, tenant.admin_key)
    try:
        await page.goto("/console/campaigns/new")
        await page.get_by_label("Campaign name").fill("Console: ticked")
        await next_step(page)
        await page.get_by_label("Dialogs I tick").check()
        for person in tenant.people[1:3]:
            await page.get_by_label("Search dialogs by name or id").fill(person)
            row = page.locator("[data-dialog-rows] tr", has_text=person)
            await expect(page.locator("[data-dialog-rows] tr")).to_have_count(1)
            await row.get_by_role("checkbox").check()
        await expect(page.locator("[data-dialogs-selected] b")).to_have_text("2")
        await expect(page.locator("[data-estimate-total]")).to_have_text("2")
        await next_step(page)
        await next_step(page)
        await page.get_by_label("Message", exact=True).fill("Hello, {name}")
        for _ in range(3):
            await next_step(page)
        await expect(page.locator("[data-review]")).to_contain_text(tenant.people[1])
        await page.get_by_role("button", name="Create campaign").click()
        row = page.locator("tr", has_text="Console: ticked")
        await expect(row.locator("[data-status]")).to_have_text("Completed", timeout=60_000)
        await expect(row.locator('[data-count="delivered"]')).to_have_text("2")
    finally:
        await context.close()
