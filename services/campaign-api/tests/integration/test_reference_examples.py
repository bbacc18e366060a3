"""The reference's own `/send` examples, typed where it types them (General with
and without a reply, one customer's dialog), carried out through the API."""

from __future__ import annotations

from .conftest import BOT_TOKEN, Api, Tenant
from .test_commands import send

GREETING = {
    "kind": "text",
    "text": "Hallo! Vielen Dank für Ihr Interesse an unseren Dienstleistungen.",
}
HOUR = {
    "kind": "text",
    "text": "Innerhalb einer Stunde senden wir Ihnen detaillierte Informationen.",
}
CATALOGUE = {
    "kind": "media",
    "media_type": "document",
    "file": "https://example.com/catalogue.pdf",
    "caption": "Katalog",
}
OFFER = {"kind": "text", "text": "Special offer for you, {name}!"}
DIALOG = {"kind": "dialog", "connection_id": "tg-main", "external_id": "9001"}


async def special_offer(api: Api, tenant: Tenant) -> None:
    await api.call(
        tenant.admin,
        "POST",
        "/v1/templates",
        json={"name": "special_offer", "steps": [{"content": OFFER}]},
        expect=201,
    )


async def with_second_bot(api: Api, tenant: Tenant) -> None:
    await api.call(
        tenant.admin,
        "PUT",
        "/v1/connections/tg-second",
        json={"channel": "telegram_bot", "credentials": {"token": BOT_TOKEN}},
        expect=201,
    )


async def test_a_chain_of_three_replies_then_sent_to_all_and_in_a_dialog(
    api: Api, tenant: Tenant
) -> None:
    key = tenant.admin
    await send(api, key, "/send onboarding", reply_to=GREETING)
    await send(api, key, "/send onboarding 5m", reply_to=HOUR)
    made = await send(api, key, "/send onboarding 1h", reply_to=CATALOGUE)
    assert [(s["delay"], s["content"]["kind"]) for s in made["result"]["steps"]] == [
        ("now", "text"),
        ("5m", "text"),
        ("1h", "media"),
    ]
    everyone = await send(api, key, "/send all onboarding")
    assert everyone["action"] == "start_sending"
    assert len(everyone["result"]["campaigns"][0]["steps"]) == 3
    one = await send(api, tenant.operator, "/send onboarding", place=DIALOG)
    assert one["action"] == "send_template"
    campaign = one["result"]["campaigns"][0]
    assert (campaign["connection_id"], campaign["audience"]["external_ids"]) == (
        "tg-main",
        ["9001"],
    )


async def test_a_saved_template_to_one_label(api: Api, tenant: Tenant) -> None:
    await special_offer(api, tenant)
    started = await send(api, tenant.admin, "/send mark vip template special_offer")
    campaign = started["result"]["campaigns"][0]
    assert campaign["audience"]["labels_any"] == ["vip"]
    assert campaign["content"] == {"kind": "template", "template": "special_offer"}


async def test_ids_last_and_an_instance_id_never_a_recipient(api: Api, tenant: Tenant) -> None:
    await with_second_bot(api, tenant)
    await special_offer(api, tenant)
    started = await send(api, tenant.admin, "/send list special_offer 1h tg-main 111,222")
    (campaign,) = started["result"]["campaigns"]
    assert (campaign["connection_id"], campaign["audience"]["external_ids"]) == (
        "tg-main",
        ["111", "222"],
    )
    started = await send(api, tenant.admin, "/send list 1h tg-main 333,444", reply_to=OFFER)
    assert [c["connection_id"] for c in started["result"]["campaigns"]] == ["tg-main"]
    started = await send(api, tenant.admin, "/send list tg-main 1,2", reply_to=OFFER)
    (campaign,) = started["result"]["campaigns"]
    assert (campaign["connection_id"], campaign["audience"]["external_ids"]) == (
        "tg-main",
        ["1", "2"],
    )


async def test_a_step_at_a_date_and_time(api: Api, tenant: Tenant) -> None:
    key = tenant.admin
    await send(api, key, "/send welcome", reply_to=GREETING)
    added = await send(api, key, "/send welcome 2098-12-24 10:00:00", reply_to=HOUR)
    assert "at 2098-12-24 10:00:00 UTC, or right after step 1 if that is later" in added["answer"]
    moved = await send(api, key, "/send welcome for 1 2098-12-23 10:00:00")
    assert "at 2098-12-23 10:00:00 UTC, or the recipient's turn" in moved["answer"]


async def test_in_a_dialog_its_own_sendings_and_a_status_without_the_report(
    api: Api, tenant: Tenant
) -> None:
    await send(api, tenant.admin, "/send welcome", reply_to=GREETING)
    mass = await send(api, tenant.admin, "/send list welcome 2098-01-01 00:00:00 tg-main 7,8")
    mass_sid = mass["result"]["campaigns"][0]["sending_id"]
    own = await send(api, tenant.operator, "/send welcome 2098-01-01 00:00:00", place=DIALOG)
    own_sid = own["result"]["campaigns"][0]["sending_id"]

    listed = await send(api, tenant.operator, "/send sendings", place=DIALOG)
    assert [c["sending_id"] for c in listed["result"]["items"]] == [own_sid]
    shown = await send(api, tenant.operator, f"/send sid{own_sid}", place=DIALOG)
    assert "Report:" not in shown["answer"]
    assert "scheduled" in shown["answer"]
    elsewhere = await send(api, tenant.operator, f"/send sid{mass_sid}", place=DIALOG, expect=404)
    assert elsewhere["detail"] == f"unknown sending sid{mass_sid} in this dialog"
    general = await send(api, tenant.admin, f"/send sid{own_sid}")
    assert "Report: /v1/campaigns/" in general["answer"]
    templates = await send(api, tenant.operator, "/send templates", place=DIALOG)
    assert templates["answer"] == "welcome: 1 step(s)"

    refused = await send(api, tenant.operator, "/send all welcome", place=DIALOG, expect=422)
    assert "is typed in General" in refused["detail"]
    unknown = await send(
        api,
        tenant.operator,
        "/send templates",
        place={**DIALOG, "connection_id": "nope"},
        expect=422,
    )
    assert unknown["errors"][0]["field"] == "place.connection_id"


async def test_an_operator_cancels_only_what_they_started(api: Api, tenant: Tenant) -> None:
    await send(api, tenant.admin, "/send welcome", reply_to=GREETING)
    mass = await send(api, tenant.admin, "/send all welcome 2098-01-01 00:00:00")
    mass_sid = mass["result"]["campaigns"][0]["sending_id"]
    refused = await send(api, tenant.operator, f"/send sid{mass_sid} del", expect=403)
    assert "only the campaigns they started" in refused["reason"]
    assert f"/send sid{mass_sid}" in refused["detail"]
    own = await send(api, tenant.operator, "/send welcome 2098-01-01 00:00:00", place=DIALOG)
    own_sid = own["result"]["campaigns"][0]["sending_id"]
    cancelled = await send(api, tenant.operator, f"/send sid{own_sid} del")
    assert cancelled["action"] == "cancel_sending"
