"""The console's templates and connections pages, through the app as a browser
uses it: signed in with a tenant's key (session cookie), forms posted with the
session's CSRF token from this origin, then redirected to the page they changed.
Operators read; what only admins may do is refused to them (403)."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import aio_pika
from contracts.base import utc_now
from contracts.names import INTERNAL_EXCHANGE, RoutingKey
from contracts.tenants import ConnectionStateV1
from service_kit.publishing import encode
from test_support.waiting import eventually

from .conftest import Api, Tenant, new_tenant, scheduled_campaign
from .console_browser import signed_in

WA_TOKEN = {"access_token": "EAAG-console-token", "phone_number_id": "106540352242922"}


async def template_json(api: Api, tenant: Tenant, name: str, expect: int = 200) -> dict:  # type: ignore[type-arg]
    found = await api.call(tenant.admin, "GET", f"/v1/templates/{name}", expect=expect)
    return dict(found.json())


# templates


async def test_an_admin_creates_and_edits_a_template_with_the_forms(
    api: Api, tenant: Tenant
) -> None:
    async with signed_in(api, tenant.admin) as admin:
        made = await admin.post(
            "/console/templates", name="welcome", text="Hello {name}!", delay="now"
        )
        assert made.headers["location"] == "/console/templates/welcome"
        await admin.post("/console/templates/welcome/steps", text="A day later", delay="1d")
        await admin.post("/console/templates/welcome/steps", text="Two hours on", delay="2h")
        steps = (await template_json(api, tenant, "welcome"))["steps"]
        assert [(s["content"]["text"], s["delay_seconds"]) for s in steps] == [
            ("Hello {name}!", 0.0),
            ("A day later", 86400.0),
            ("Two hours on", 7200.0),
        ]
        page = await admin.get("/console/templates/welcome")
        assert "A day later" in page
        assert 'action="/console/templates/welcome/steps"' in page

        await admin.post(f"/console/templates/welcome/steps/{steps[1]['step_id']}/time", delay="5m")
        confirm = await admin.get(f"/console/templates/welcome/steps/{steps[2]['step_id']}/delete")
        assert "Two hours on" in confirm
        await admin.post(f"/console/templates/welcome/steps/{steps[2]['step_id']}/delete")
        steps = (await template_json(api, tenant, "welcome"))["steps"]
        assert [(s["content"]["text"], s["delay_seconds"]) for s in steps] == [
            ("Hello {name}!", 0.0),
            ("A day later", 300.0),
        ]

        renamed = await admin.post("/console/templates/welcome/name", new_name="greeting")
        assert renamed.headers["location"] == "/console/templates/greeting"
        listed = await admin.get("/console/templates")
        assert 'href="/console/templates/greeting"' in listed
        assert "welcome" not in listed
        await admin.get("/console/templates/greeting/delete")
        gone = await admin.post("/console/templates/greeting/delete")
        assert gone.headers["location"] == "/console/templates"
        await template_json(api, tenant, "greeting", expect=404)


async def test_a_refused_form_shows_the_reason_beside_it_and_keeps_what_was_typed(
    api: Api, tenant: Tenant
) -> None:
    async with signed_in(api, tenant.admin) as admin:
        bad_name = await admin.post(
            "/console/templates", expect=422, name="9lives", text="Kept text", delay="now"
        )
        assert "is not allowed: a Latin letter first" in bad_name.text
        assert "Kept text" in bad_name.text
        await admin.post("/console/templates", name="promo", text="Hi", delay="now")
        taken = await admin.post("/console/templates", expect=409, name="promo", text="x")
        assert "already exists" in taken.text
        bad_delay = await admin.post(
            "/console/templates/promo/steps", expect=422, text="Later", delay="tomorrow-ish"
        )
        assert "cannot read" in bad_delay.text
        assert 'role="alert"' in bad_delay.text
        empty = await admin.post("/console/templates/promo/steps", expect=422, text="")
        assert "text: write the message" in empty.text
        await admin.post("/console/templates", name="other", text="Hi")
        clash = await admin.post("/console/templates/promo/name", expect=409, new_name="other")
        assert "already exists" in clash.text
    assert len((await template_json(api, tenant, "promo"))["steps"]) == 1


async def test_an_operator_reads_templates_without_forms_and_is_refused_changes(
    api: Api, tenant: Tenant
) -> None:
    await api.call(
        tenant.admin,
        "POST",
        "/v1/templates",
        json={"name": "chain", "steps": [{"content": {"kind": "text", "text": "First"}}]},
        expect=201,
    )
    async with signed_in(api, tenant.operator) as operator:
        listed = await operator.get("/console/templates")
        assert 'href="/console/templates/chain"' in listed
        assert '<form method="post" action="/console/templates"' not in listed
        page = await operator.get("/console/templates/chain")
        assert "First" in page
        assert "/steps" not in page
        assert "/delete" not in page
        assert "/name" not in page
        await operator.get("/console/templates/chain/delete", expect=403)
        await operator.post("/console/templates/chain/delete", expect=403)
        await operator.post("/console/templates/chain/steps", expect=403, text="x", delay="now")
        await operator.post("/console/templates", expect=403, name="mine", text="x")
    await template_json(api, tenant, "chain")
    await template_json(api, tenant, "mine", expect=404)


async def test_a_form_without_the_csrf_token_is_refused(api: Api, tenant: Tenant) -> None:
    async with signed_in(api, tenant.admin) as admin:
        await admin.post("/console/templates", expect=403, csrf=False, name="nocsrf", text="x")
        answer = await admin.client.post(  # the token, but from another site
            "/console/templates",
            data={"csrf_token": admin.csrf, "name": "nocsrf", "text": "x"},
            headers={"Origin": "http://evil.example"},
        )
        assert answer.status_code == 403
    await template_json(api, tenant, "nocsrf", expect=404)


async def test_another_tenants_template_is_not_found(api: Api, tenant: Tenant) -> None:
    other = await new_tenant(api)
    await api.call(
        other.admin,
        "POST",
        "/v1/templates",
        json={"name": "secret", "steps": [{"content": {"kind": "text", "text": "Theirs"}}]},
        expect=201,
    )
    async with signed_in(api, tenant.admin) as admin:
        page = await admin.get("/console/templates/secret", expect=404)
        assert "Theirs" not in page
        await admin.post("/console/templates/secret/delete", expect=404)
        await admin.post("/console/templates/secret/steps", expect=404, text="x", delay="now")
    await template_json(api, other, "secret")


# connections


async def announce(api: Api, event: ConnectionStateV1) -> None:
    connection = await aio_pika.connect(api.rabbitmq_url)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.get_exchange(INTERNAL_EXCHANGE)
        await exchange.publish(
            aio_pika.Message(encode(event), content_type="application/json"),
            RoutingKey.CONNECTION_STATE,
        )


async def test_connections_show_status_limits_and_whatsapps_allowance(
    api: Api, tenant: Tenant
) -> None:
    first_used = utc_now() - timedelta(days=12)
    await api.call(
        tenant.admin,
        "PUT",
        "/v1/connections/wa-main",
        json={
            "channel": "whatsapp",
            "credentials": WA_TOKEN,
            "limits": {"rate_per_second": 5},
            "first_used_at": first_used.isoformat(),
        },
        expect=201,
    )
    async with signed_in(api, tenant.operator) as operator:
        page = await operator.get("/console/connections")
        assert page.count('data-state="working"') == 2
        wa = page[page.index('id="connection-wa-main"') :]
        # day 13 since first use: two days past the 10 days' pause, 10 + 2 x 2 a day
        assert re.search(r"data-day>13 \(warming up\)", wa), wa
        assert "14 people" in wa
        assert "Messages per second" in wa

        until = utc_now() + timedelta(hours=6)
        paused = ConnectionStateV1(
            tenant_id=tenant.id,
            connection_id="wa-main",
            paused=True,
            paused_until=until,
            code="131031",
            reason="WhatsApp restricted the account",
            changed_at=utc_now(),
        )
        await announce(api, paused)

        async def shows_paused() -> bool:
            return 'data-state="paused"' in await operator.get("/console/connections")

        await eventually(shows_paused, timeout=15, what="the pause on the page")
        page = await operator.get("/console/connections")
        assert "WhatsApp restricted the account" in page
        assert f"{until:%Y-%m-%d %H:%M}" in page
        assert page.count('data-state="working"') == 1  # tg-main still sends

        older = paused.model_copy(update={"paused": False, "changed_at": until - timedelta(days=1)})
        lifted = paused.model_copy(update={"paused": False, "changed_at": utc_now()})
        await announce(api, older)  # an older state changes nothing
        await announce(api, lifted)

        async def shows_working() -> bool:
            return 'data-state="paused"' not in await operator.get("/console/connections")

        await eventually(shows_working, timeout=15, what="the pause lifted on the page")


async def test_any_key_checks_credentials_from_the_page(api: Api, tenant: Tenant) -> None:
    async with signed_in(api, tenant.operator) as operator:
        page = await operator.get("/console/connections")
        assert 'action="/console/connections/tg-main/check"' in page
        checked = await operator.post("/console/connections/tg-main/check", expect=200)
        assert 'data-check="ok"' in checked.text
        assert "answers" in checked.text
        await operator.post("/console/connections/tg-main/check", expect=403, csrf=False)
        await operator.post("/console/connections/nope/check", expect=404)


async def test_another_tenants_connections_are_not_shown(api: Api, tenant: Tenant) -> None:
    other = await new_tenant(api)
    name = f"their-{uuid.uuid4().hex[:6]}"
    await api.call(
        other.admin,
        "PUT",
        f"/v1/connections/{name}",
        json={"channel": "whatsapp", "credentials": WA_TOKEN},
        expect=201,
    )
    async with signed_in(api, tenant.admin) as admin:
        assert name not in await admin.get("/console/connections")
        await admin.post(f"/console/connections/{name}/check", expect=404)


async def test_the_pages_speak_russian(api: Api, tenant: Tenant) -> None:
    async with signed_in(api, tenant.admin) as admin:
        await admin.post("/console/templates", name="ru", text="Привет", delay="now")
        russian = {"Accept-Language": "ru-RU,ru;q=0.9"}
        template = await admin.client.get("/console/templates/ru", headers=russian)
        assert "Добавить шаг" in template.text
        connections = await admin.client.get("/console/connections", headers=russian)
        assert "Проверить доступы" in connections.text
        assert "Работает" in connections.text


# the operator group

GROUP_TOKEN = "555000111:AAconsole-group-bot-token-000000001"


async def test_an_admin_links_relinks_and_unlinks_the_operator_group(
    api: Api, tenant: Tenant
) -> None:
    async with signed_in(api, tenant.admin) as admin:
        empty = await admin.get("/console/operator-group")
        assert 'href="/console/operator-group" aria-current="page"' in empty
        assert 'action="/console/operator-group"' in empty
        linked = await admin.post(
            "/console/operator-group",
            chat_id=" -1005550001112 ",
            bot_token=GROUP_TOKEN,
            language="de",
            allowed_user_ids="111, 222\n333",
        )
        assert linked.headers["location"] == "/console/operator-group"
        shown = await api.call(
            tenant.admin, "GET", "/v1/operator-groups/-1005550001112", expect=200
        )
        assert shown.json()["language"] == "de"
        assert shown.json()["allowed_user_ids"] == [111, 222, 333]
        topic = {"connection_id": "tg-main", "external_id": "77"}
        path = "/v1/operator-groups/-1005550001112/topics/9"
        await api.call(tenant.admin, "PUT", path, json=topic, expect=201)
        page = await admin.get("/console/operator-group")
        assert "****" + GROUP_TOKEN[-4:] in page
        assert GROUP_TOKEN not in page
        assert "111, 222, 333" in page
        assert '<tr data-topic="9"><td>9</td><td>tg-main</td><td>77</td>' in page

        await admin.post("/console/operator-group", chat_id="-1005550001112", bot_token=GROUP_TOKEN)
        again = await api.call(tenant.admin, "GET", "/v1/operator-groups/-1005550001112")
        assert again.json()["language"] == "en"
        assert again.json()["allowed_user_ids"] == []

        confirm = await admin.get("/console/operator-group/-1005550001112/unlink")
        assert "its 1 bound topics are forgotten" in confirm
        gone = await admin.post("/console/operator-group/-1005550001112/unlink")
        assert gone.headers["location"] == "/console/operator-group"
        await api.call(tenant.admin, "GET", "/v1/operator-groups/-1005550001112", expect=404)


async def test_a_refused_link_names_the_field_and_keeps_what_was_typed(
    api: Api, tenant: Tenant
) -> None:
    async with signed_in(api, tenant.admin) as admin:
        for fields, said in [
            ({"chat_id": "12345"}, "chat_id: 12345 is not a supergroup&#39;s chat id"),
            ({"chat_id": "my group"}, "chat_id: &#39;my group&#39; is not a supergroup"),
            ({"bot_token": "not-a-token"}, "bot_token: Value error, a bot token is"),
            ({"allowed_user_ids": "111, bob"}, "allowed_user_ids: Telegram user ids are numbers"),
            ({"language": "fr"}, "language: "),
        ]:
            form = {
                "chat_id": "-1005550001113",
                "bot_token": GROUP_TOKEN,
                "language": "ru",
                "allowed_user_ids": "5",
                **fields,
            }
            page = (await admin.post("/console/operator-group", expect=422, **form)).text
            assert said in page, fields
            assert 'id="link-error"' in page
            assert f'value="{form["chat_id"]}"' in page
            assert GROUP_TOKEN not in page, "the token is never written back"
        await api.call(tenant.admin, "GET", "/v1/operator-groups/-1005550001113", expect=404)


async def test_an_operator_reads_the_operator_group_without_forms(api: Api, tenant: Tenant) -> None:
    body = {"bot_token": GROUP_TOKEN, "language": "ru"}
    await api.call(tenant.admin, "PUT", "/v1/operator-groups/-1005550001114", json=body)
    async with signed_in(api, tenant.operator) as operator:
        page = await operator.get("/console/operator-group")
        assert "-1005550001114" in page
        assert 'action="/console/operator-group"' not in page
        assert "/unlink" not in page
        await operator.get("/console/operator-group/-1005550001114/unlink", expect=403)
        await operator.post("/console/operator-group/-1005550001114/unlink", expect=403)
        await operator.post(
            "/console/operator-group", expect=403, chat_id="-1005550001114", bot_token=GROUP_TOKEN
        )
    await api.call(tenant.admin, "GET", "/v1/operator-groups/-1005550001114", expect=200)


# pause and resume


async def test_a_campaign_is_paused_and_resumed_from_the_list_and_its_page(
    api: Api, tenant: Tenant
) -> None:
    campaign = await scheduled_campaign(api, tenant, ["5001"], "to pause")
    page = f"/console/campaigns/{campaign}"
    async with signed_in(api, tenant.admin) as admin:
        listed = await admin.get("/console/campaigns")
        assert f'action="{page}/pause"' in listed
        await admin.post(f"{page}/pause", back="list")
        listed = await admin.get("/console/campaigns")
        assert f'action="{page}/resume"' in listed
        shown = await admin.get(page)
        assert "data-pause-reason" in shown
        assert f"key {tenant.key_ids['admin']}" in shown
        await admin.post(f"{page}/resume")
        shown = await admin.get(page)
        assert "data-pause-reason" not in shown
        assert f'action="{page}/pause"' in shown
    async with signed_in(api, tenant.operator) as operator:  # the admin's campaign
        assert f'action="{page}/pause"' not in await operator.get(page)
        await operator.post(f"{page}/pause", expect=403)
