"""Templates over HTTP: create, add a step, list, show, rename, retime a step,
delete a step, delete the template — and what a campaign copies of one."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Api, Tenant

TEXT = {"kind": "text", "text": "Hello, {name}!"}
PHOTO = {"kind": "media", "media_type": "photo", "file": "https://example.com/p.jpg"}


async def planned_from(api: Api, key: str, template: str) -> dict[str, Any]:
    """What a dry run of a campaign from `template` on tg-main, starting 2098-06-01
    00:00 UTC, plans."""
    planned = await api.call(
        key,
        "POST",
        "/v1/campaigns?dry_run=true",
        json={
            "connection_id": "tg-main",
            "audience": {"kind": "all"},
            "content": {"kind": "template", "template": template},
            "start_at": "2098-06-01 00:00:00",
        },
        expect=200,
    )
    plan: dict[str, Any] = planned.json()["planned"][0]
    return plan


async def test_a_template_is_built_edited_and_deleted(api: Api, tenant: Tenant) -> None:
    key = tenant.admin
    created = await api.call(
        key,
        "POST",
        "/v1/templates",
        json={"name": "welcome", "steps": [{"content": TEXT}]},
        expect=201,
    )
    assert [(s["step_id"], s["position"], s["delay"]) for s in created.json()["steps"]] == [
        (1, 1, "now")
    ]

    added = await api.call(
        key,
        "POST",
        "/v1/templates/welcome/steps",
        json={"content": PHOTO, "delay": "5m 30s"},
        expect=201,
    )
    await api.call(
        key,
        "POST",
        "/v1/templates/welcome/steps",
        json={"content": TEXT, "delay": 3600},
        expect=201,
    )
    assert added.json()["steps"][1]["delay_seconds"] == 330

    retimed = await api.call(
        key, "PATCH", "/v1/templates/welcome/steps/2", json={"delay": "2h"}, expect=200
    )
    assert retimed.json()["steps"][1]["delay"] == "2h"

    without = await api.call(key, "DELETE", "/v1/templates/welcome/steps/2", expect=200)
    assert [(s["step_id"], s["position"]) for s in without.json()["steps"]] == [(1, 1), (3, 2)]
    again = await api.call(
        key, "POST", "/v1/templates/welcome/steps", json={"content": TEXT}, expect=201
    )
    assert [s["step_id"] for s in again.json()["steps"]] == [1, 3, 4], "ids are never reused"

    renamed = await api.call(
        key, "PATCH", "/v1/templates/welcome", json={"name": "greeting"}, expect=200
    )
    assert renamed.json()["name"] == "greeting"
    await api.call(key, "GET", "/v1/templates/welcome", expect=404)
    shown = await api.call(key, "GET", "/v1/templates/greeting", expect=200)
    assert len(shown.json()["steps"]) == 3
    listed = await api.call(key, "GET", "/v1/templates", expect=200)
    assert [t["name"] for t in listed.json()["items"]] == ["greeting"]

    await api.call(key, "DELETE", "/v1/templates/greeting", expect=204)
    await api.call(key, "GET", "/v1/templates/greeting", expect=404)
    assert (await api.call(key, "GET", "/v1/templates", expect=200)).json()["items"] == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"name": "1st"}, "name"),
        ({"name": "all"}, "word of the /send language"),
        ({"name": "sid12"}, "word of the /send language"),
        ({"name": "ok", "steps": [{"content": TEXT, "delay": "soon"}]}, "steps[0].delay"),
        (
            {"name": "ok", "steps": [{"content": TEXT, "delay": "2024-13-45 14:25:55"}]},
            "steps[0].delay",
        ),
        ({"name": "ok", "steps": [{"content": {"kind": "text", "text": ""}}]}, "content"),
    ],
)
async def test_bad_templates_are_refused_naming_what_to_fix(
    api: Api, tenant: Tenant, body: dict[str, object], expected: str
) -> None:
    refused = await api.call(tenant.admin, "POST", "/v1/templates", json=body)
    assert refused.status_code == 422, refused.text
    assert expected in refused.text


async def test_conflicts_and_unknown_steps(api: Api, tenant: Tenant) -> None:
    key = tenant.admin
    for name in ("a", "b"):
        await api.call(key, "POST", "/v1/templates", json={"name": name}, expect=201)
    taken = await api.call(key, "POST", "/v1/templates", json={"name": "a"}, expect=409)
    assert "already exists" in taken.json()["detail"]
    clash = await api.call(key, "PATCH", "/v1/templates/a", json={"name": "b"}, expect=409)
    assert "'b' already exists" in clash.json()["detail"]
    missing = await api.call(key, "PATCH", "/v1/templates/a/steps/9", json={"delay": 1}, expect=404)
    assert "has no step 9" in missing.json()["detail"]
    await api.call(key, "DELETE", "/v1/templates/zzz", expect=404)


async def test_operators_read_templates_but_do_not_write_them(api: Api, tenant: Tenant) -> None:
    await api.call(tenant.admin, "POST", "/v1/templates", json={"name": "promo"}, expect=201)
    await api.call(tenant.operator, "GET", "/v1/templates/promo", expect=200)
    refused = await api.call(
        tenant.operator, "POST", "/v1/templates/promo/steps", json={"content": TEXT}, expect=403
    )
    assert "admin" in refused.json()["detail"]


async def test_a_campaign_copies_the_chain_and_its_first_delay(api: Api, tenant: Tenant) -> None:
    key = tenant.admin
    await api.call(
        key,
        "POST",
        "/v1/templates",
        json={"name": "chain", "steps": [{"content": TEXT, "delay": "1h"}, {"content": PHOTO}]},
        expect=201,
    )
    plan = await planned_from(api, key, "chain")
    assert plan["start_at"].startswith("2098-06-01T01:00:00")
    assert [(s["step_no"], s["content"]["kind"]) for s in plan["steps"]] == [
        (1, "text"),
        (2, "media"),
    ]


async def test_a_step_may_go_at_a_date_and_time(api: Api, tenant: Tenant) -> None:
    """`/send welcome 2026-12-24 10:00:00`: the step goes at that UTC moment, or right
    after the previous step if that one is sent later; the first step moves the start."""
    key = tenant.admin
    steps = [{"content": TEXT, "delay": "2098-06-01 12:00:00"}, {"content": PHOTO, "delay": "5m"}]
    made = await api.call(
        key, "POST", "/v1/templates", json={"name": "dated", "steps": steps}, expect=201
    )
    first = made.json()["steps"][0]
    assert first["at"] == "2098-06-01T12:00:00Z"
    assert first["when"] == "at 2098-06-01 12:00:00 UTC, or the recipient's turn if that is later"
    retimed = await api.call(
        key, "PATCH", "/v1/templates/dated/steps/2", json={"delay": "2098-06-02 08:00"}, expect=200
    )
    second = retimed.json()["steps"][1]
    assert second["when"] == "at 2098-06-02 08:00:00 UTC, or right after step 1 if that is later"
    plan = await planned_from(api, key, "dated")
    assert plan["start_at"].startswith("2098-06-01T12:00:00")
    assert [s["not_before"] for s in plan["steps"]] == [
        "2098-06-01T12:00:00Z",
        "2098-06-02T08:00:00Z",
    ]
