"""`POST /v1/commands`: each `/send` form carried out through the API, with an
answer a person can read, and precise errors."""

from __future__ import annotations

from typing import Any

from test_support.waiting import eventually

from .conftest import BOT_TOKEN, PLATFORM_KEY, Api, Tenant

HELLO = {"kind": "text", "text": "Hello, {name}!"}
PHOTO = {"kind": "media", "media_type": "photo", "file": "https://example.com/p.jpg"}


async def send(api: Api, key: str, command: str, expect: int = 200, **extra: Any) -> Any:
    answered = await api.call(key, "POST", "/v1/commands", json={"command": command, **extra})
    assert answered.status_code == expect, answered.text
    return answered.json()


async def import_contacts(api: Api, tenant: Tenant, rows: list[str]) -> None:
    body = "connection_id,external_id,name,labels\n" + "\n".join(rows) + "\n"
    await api.call(
        tenant.admin,
        "POST",
        "/v1/contacts/import",
        content=body,
        headers={"Content-Type": "text/csv"},
        expect=200,
    )


async def test_a_template_built_and_edited_in_commands(api: Api, tenant: Tenant) -> None:
    key = tenant.admin
    created = await send(api, key, "/send promo", reply_to=HELLO)
    assert created["action"] == "add_step"
    assert [c["method"] + " " + c["path"] for c in created["calls"]] == ["POST /v1/templates"]
    added = await send(api, key, "/send promo 5m 30s", reply_to=PHOTO)
    assert "step 2 (#2, 5m 30s after step 1 was sent): photo" in added["answer"]

    shown = await send(api, key, "/send promo")
    assert shown["action"] == "show_template"
    assert "Template promo: 2 step(s)" in shown["answer"]
    retimed = await send(api, key, "/send promo for 2 1h")
    assert "step 2 (#2, 1h after step 1 was sent)" in retimed["answer"]
    without = await send(api, key, "/send promo del 2")
    assert "1 step(s)" in without["answer"]
    renamed = await send(api, key, "/send promo name spring")
    assert renamed["result"]["name"] == "spring"
    listed = await send(api, key, "/send templates")
    assert listed["answer"] == "spring: 1 step(s)"
    deleted = await send(api, key, "/send spring del")
    assert "spring is deleted" in deleted["answer"]
    assert (await send(api, key, "/send templates"))["result"]["items"] == []


async def test_sendings_are_started_listed_shown_and_cancelled(api: Api, tenant: Tenant) -> None:
    key = tenant.admin
    await import_contacts(
        api, tenant, [f"tg-main,{9000 + n},Person {n},{'vip' if n % 2 else ''}" for n in range(10)]
    )
    await send(api, key, "/send promo", reply_to=HELLO)

    async def five_vips() -> bool:
        found = await api.call(
            key,
            "POST",
            "/v1/audience/estimate",
            json={"audience": {"kind": "filter", "labels_any": ["vip"]}},
        )
        return bool(found.json()["audience_size"] == 5)

    await eventually(five_vips, timeout=30, interval=0.2, what="the import")

    started = await send(api, key, "/send mark vip promo 2h tg-main", interval_seconds=30)
    assert started["action"] == "start_sending"
    campaign = started["result"]["campaigns"][0]
    sid = campaign["sending_id"]
    assert campaign["interval_seconds"] == 30
    assert campaign["progress"]["estimated_audience"] == 5
    answer = started["answer"]
    assert f"sid{sid} " in answer
    assert "on tg-main: template promo" in answer
    assert "about 5 recipients" in answer
    assert "30 s between messages" in answer

    listed = await send(api, key, "/send sendings tg-main")
    assert listed["answer"].startswith(f"sid{sid} ")
    shown = await send(api, key, f"/send sid{sid}")
    assert shown["action"] == "show_sending"
    assert "scheduled, 5 recipients" in shown["answer"]
    assert f"Report: /v1/campaigns/{campaign['id']}/report.csv" in shown["answer"]

    paused = await send(api, key, f"/send sid{sid} pause")
    assert paused["action"] == "pause_sending"
    assert f"/send sid{sid} resume" in paused["answer"]
    assert "paused, 5 recipients" in (await send(api, key, f"/send sid{sid}"))["answer"]
    again = await send(api, key, f"/send sid{sid} pause", expect=409)
    assert again["detail"] == f"sid{sid} is paused already: /send sid{sid} resume lets it go on"
    resumed = await send(api, key, f"/send sid{sid} resume")
    assert resumed["action"] == "resume_sending"
    assert f"sid{sid} " in resumed["answer"]
    assert "goes on where it stopped" in resumed["answer"]
    not_paused = await send(api, key, f"/send sid{sid} resume", expect=409)
    assert "is not paused" in not_paused["detail"]

    cancelled = await send(api, key, f"/send sid{sid} del")
    assert cancelled["action"] == "cancel_sending"
    assert [c["path"] for c in cancelled["calls"]][-1] == f"/v1/campaigns/{campaign['id']}/cancel"
    detail = await api.call(key, "GET", f"/v1/campaigns/{campaign['id']}", expect=200)
    assert detail.json()["cancel_requested_at"] is not None

    unknown = await send(api, key, "/send sid99999", expect=404)
    assert unknown["detail"] == "unknown sending sid99999"


async def test_without_an_instance_id_every_connection_sends_on_its_own(
    api: Api, tenant: Tenant
) -> None:
    key = tenant.admin
    await api.call(
        key,
        "PUT",
        "/v1/connections/tg-second",
        json={"channel": "telegram_bot", "credentials": {"token": BOT_TOKEN}},
        expect=201,
    )
    started = await send(api, key, "/send all", reply_to=HELLO)
    campaigns = started["result"]["campaigns"]
    assert sorted(c["connection_id"] for c in campaigns) == ["tg-main", "tg-second"]
    sids = {c["sending_id"] for c in campaigns}
    assert len(sids) == 2, "each connection's campaign has its own sending id"
    assert len(started["lines"]) == 2


async def test_operators_send_a_template_to_one_dialog_only(api: Api, tenant: Tenant) -> None:
    await send(api, tenant.admin, "/send promo", reply_to=HELLO)
    refused = await send(api, tenant.operator, "/send all promo", expect=403)
    assert "operators may not start mass campaigns" in refused["reason"]  # the API's words
    assert "/send TEMPLATE [TIME]" in refused["detail"], "what to type instead"
    refused = await send(api, tenant.operator, "/send list 1,2 promo tg-main", expect=403)
    assert refused["code"] == "operator_forbidden"
    one = await send(api, tenant.operator, "/send list 9001 promo tg-main")
    assert one["result"]["campaigns"][0]["audience"]["external_ids"] == ["9001"]
    refused = await send(api, tenant.operator, "/send promo 5m", reply_to=PHOTO, expect=403)
    assert "admin" in refused["detail"]


async def test_a_test_send_goes_to_the_requesters_own_dialog(api: Api, tenant: Tenant) -> None:
    await send(api, tenant.admin, "/send promo", reply_to=HELLO)
    nobody = await send(api, tenant.admin, "/send test promo", expect=422)
    assert "your own dialog" in nobody["detail"]
    named = await send(api, tenant.admin, "/send test promo", external_id="555")
    assert named["result"]["campaigns"][0]["counts_toward_quota"] is False

    made = await api.call(
        PLATFORM_KEY,
        "POST",
        f"/v1/tenants/{tenant.id}/api-keys",
        json={"role": "operator", "connection_id": "tg-main", "external_id": "777"},
        expect=201,
    )
    own_key = made.json()["key"]
    own = await send(api, own_key, "/send test promo")
    campaign = own["result"]["campaigns"][0]
    assert (campaign["audience"], campaign["connection_id"]) == (
        {"kind": "test", "external_id": "777"},
        "tg-main",
    )
    other = await send(api, own_key, "/send test promo", external_id="555", expect=403)
    assert "only to your own dialog (777)" in other["detail"]


async def test_malformed_commands_get_a_precise_422(api: Api, tenant: Tenant) -> None:
    bad = await send(api, tenant.admin, "/send all nope", expect=422)
    assert bad["code"] == "bad_command"
    assert bad["position"] == len("/send all ")
    assert "neither a template nor an instance id" in bad["detail"]
    missing = await send(api, tenant.admin, "/send all", expect=422)
    assert "Reply to the message to send" in missing["detail"]
    late = await send(
        api, tenant.admin, "/send all 2099-06-01 10:00:00", reply_to=HELLO, expect=422
    )
    assert "after the subscription ends" in late["reason"]
    assert "an earlier time" in late["detail"]


async def test_a_file_of_ids_is_uploaded_then_sent_to(api: Api, tenant: Tenant) -> None:
    await import_contacts(api, tenant, [f"tg-main,{5000 + n},Person {n}," for n in range(4)])
    await send(api, tenant.admin, "/send promo", reply_to=HELLO)
    started = await send(
        api, tenant.admin, "/send file promo tg-main", file="5000, 5001\n5002 5002\n77777\n"
    )
    assert [c["method"] + " " + c["path"] for c in started["calls"]] == [
        "POST /v1/audience/lists",
        "POST /v1/campaigns",
    ]
    audience = started["result"]["campaigns"][0]["audience"]
    assert audience["kind"] == "list"
    assert audience["list_id"]
    assert "about 3 recipients" in started["answer"]
    unknown = await api.call(
        tenant.admin,
        "POST",
        "/v1/campaigns",
        json={
            "connection_id": "tg-main",
            "audience": {"kind": "list", "list_id": "3f1d6c2e-8b7a-4f7e-9c1d-2a5b6c7d8e9f"},
            "content": HELLO,
        },
    )
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "unknown_audience"
    empty = await send(api, tenant.admin, "/send file promo", file=" \n ", expect=422)
    assert "needs the file of ids" in empty["detail"]


FRENCH = "fr-FR, en;q=0.5"
"""A language the commands do not speak: English answers."""


async def answered_in(
    api: Api, key: str, language: str, command: str, expect: int = 200, **extra: Any
) -> Any:
    answered = await api.call(
        key,
        "POST",
        "/v1/commands",
        json={"command": command, **extra},
        headers={"Accept-Language": language},
    )
    assert answered.status_code == expect, answered.text
    assert answered.headers["Content-Language"] == (language[:2] if language != FRENCH else "en")
    return answered.json()


async def test_commands_answer_in_the_callers_language(api: Api, tenant: Tenant) -> None:
    ru, de = "ru-RU,ru;q=0.9", "de"
    empty = await answered_in(api, tenant.admin, ru, "/send templates")
    assert empty["answer"].startswith("Шаблонов пока нет: ответьте на сообщение командой /send")
    made = await answered_in(api, tenant.admin, de, "/send promo", reply_to=HELLO)
    assert made["lines"][0] == "Vorlage promo: 1 Schritt(e)"
    assert made["result"]["name"] == "promo", "the result is the API's, untranslated"
    started = await answered_in(api, tenant.admin, ru, "/send all promo 2098-01-01 00:00")
    assert "начало 2098-01-01 00:00:00 UTC" in started["answer"]
    sid = started["result"]["campaigns"][0]["sending_id"]
    shown = await answered_in(api, tenant.admin, de, f"/send sid{sid}")
    assert shown["lines"][1].startswith("geplant, ")
    assert shown["lines"][-1].startswith("Bericht: ")

    refused = await answered_in(api, tenant.operator, de, "/send all promo", expect=403)
    assert refused["detail"].startswith("Massensendungen sind für die Administratoren")
    assert "operators may not start mass campaigns" in refused["reason"]
    unreadable = await answered_in(api, tenant.admin, ru, "/send all promo promo", expect=422)
    assert unreadable["detail"].startswith("лишнее 'promo': не больше одного шаблона")
    assert unreadable["detail"].endswith("(символ 17)")
    unknown = await answered_in(api, tenant.admin, de, "/send sid99999", expect=404)
    assert unknown["detail"] == "unbekannte Sendung sid99999"
    english = await answered_in(api, tenant.admin, FRENCH, "/send templates")
    assert english["answer"] == "promo: 1 step(s)"
