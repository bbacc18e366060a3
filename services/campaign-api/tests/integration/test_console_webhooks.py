"""The console's Webhooks page: an admin adds a webhook to a local receiver and
sees its secret once, sends it a test event and finds it in the delivery log,
deletes it after a confirmation; a refused address is named beside the form;
operators have no such page; the page speaks Russian."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator

import pytest
from campaign_api.webhooks.signing import SIGNATURE_HEADER, verify

from .conftest import Api, Tenant
from .console_browser import signed_in
from .webhook_receiver import Receiver, receiving

pytestmark = pytest.mark.integration


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with receiving() as running:
        yield running


async def test_an_admin_adds_a_webhook_sends_a_test_and_reads_the_log(
    api: Api, tenant: Tenant, receiver: Receiver
) -> None:
    async with signed_in(api, tenant.admin) as admin:
        page = await admin.get("/console/webhooks")
        assert 'href="/console/webhooks"' in page
        added = await admin.post(
            "/console/webhooks",
            expect=201,
            url=receiver.url("/console-hook"),
            events="campaign.completed",
            progress_step="20",
        )
        secret = re.search(r"<code data-secret>(whsec_[^<]+)</code>", added.text)
        assert secret, added.text
        webhook = re.search(r'data-webhook="([0-9a-f-]+)"', added.text)
        assert webhook
        again = await admin.get("/console/webhooks")
        assert secret.group(1) not in again  # shown once
        path = f"/console/webhooks/{webhook.group(1)}"
        assert "Nothing was sent to it yet." in await admin.get(path)

        await admin.post(f"{path}/test")
        log = await admin.get(path)
        assert 'data-status="delivered"' in log
        (got,) = receiver.at("/console-hook")
        assert verify(
            secret.group(1), got.headers[SIGNATURE_HEADER], got.body, now=int(time.time())
        )

        assert "Yes, delete it" in await admin.get(f"{path}/delete")
        await admin.post(f"{path}/delete")
        assert "No webhook yet." in await admin.get("/console/webhooks")


async def test_a_refused_address_is_named_beside_the_form(api: Api, tenant: Tenant) -> None:
    async with signed_in(api, tenant.admin) as admin:
        answer = await admin.post(
            "/console/webhooks", expect=422, url="ftp://example.com/x", progress_step="10"
        )
        assert 'role="alert"' in answer.text
        assert "url: the scheme must be" in answer.text
        assert 'value="ftp://example.com/x"' in answer.text
        stepped = await admin.post(
            "/console/webhooks", expect=422, url="http://127.0.0.1:9/x", progress_step="0"
        )
        assert "progress_step:" in stepped.text
    listed = await api.call(tenant.admin, "GET", "/v1/webhooks", expect=200)
    assert listed.json() == []


async def test_operators_have_no_webhooks_page(api: Api, tenant: Tenant) -> None:
    async with signed_in(api, tenant.operator) as operator:
        assert 'href="/console/webhooks"' not in await operator.get("/console/templates")
        await operator.get("/console/webhooks", expect=403)
        await operator.post("/console/webhooks", expect=403, url="http://127.0.0.1:9/x")


async def test_the_webhooks_page_speaks_russian(api: Api, tenant: Tenant) -> None:
    async with signed_in(api, tenant.admin) as admin:
        russian = {"Accept-Language": "ru-RU,ru;q=0.9"}
        page = await admin.client.get("/console/webhooks", headers=russian)
        assert "Добавить вебхук" in page.text
        assert "Вебхуков пока нет." in page.text
