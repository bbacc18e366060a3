"""Who may call what: every cell of the README's roles table ("Who may do what"),
every endpoint of the OpenAPI document in it, no key refused — and another
tenant, which never sees or touches this tenant's data (404, so ids don't leak)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import PLATFORM_KEY, Api, Tenant, complete, new_tenant

TEXT = {"kind": "text", "text": "Hello, {name}!"}
CAMPAIGN = {
    "connection_id": "tg-main",
    "audience": {"kind": "all"},
    "content": {"kind": "text", "text": "Hi {name}"},
    "start_at": "2098-01-01 00:00:00",
}

GROUP_TOKEN = "1:AAoperator-group-token-000000000000"
TOPIC: dict[str, object] = {"connection_id": "tg-main", "external_id": "9001"}
CHAT = "-1009876543210"

# (method, path, body) for each operation; {c} a campaign of tenant A, {t} a template of A.
OPERATIONS: dict[tuple[str, str], dict[str, object] | None] = {
    ("PUT", "/v1/tenants/{tenant_id}"): {"plan": "free"},
    ("GET", "/v1/tenants/{tenant_id}"): None,
    ("POST", "/v1/tenants/{tenant_id}/api-keys"): {"role": "admin"},
    ("GET", "/v1/tenants/{tenant_id}/api-keys"): None,
    ("DELETE", "/v1/tenants/{tenant_id}/api-keys/{key_id}"): None,
    ("PUT", "/v1/connections/{connection_id}"): {
        "channel": "telegram_bot",
        "credentials": {"token": "1:AAother-token-000000000000000000000"},
    },
    ("GET", "/v1/connections/{connection_id}"): None,
    ("GET", "/v1/connections"): None,
    ("POST", "/v1/connections/{connection_id}/check"): None,
    ("POST", "/v1/contacts/import"): None,
    ("POST", "/v1/audience/estimate"): {"audience": {"kind": "all"}},
    ("POST", "/v1/audience/lists"): None,
    ("GET", "/v1/dialogs"): None,
    ("GET", "/v1/settings"): None,
    ("PATCH", "/v1/settings"): {"timezone": "Europe/Berlin"},
    ("GET", "/v1/campaigns"): None,
    ("POST", "/v1/campaigns"): CAMPAIGN,
    ("GET", "/v1/campaigns/{campaign_id}"): None,
    ("GET", "/v1/campaigns/{campaign_id}/deliveries"): None,
    ("GET", "/v1/campaigns/{campaign_id}/report.csv"): None,
    ("POST", "/v1/campaigns/{campaign_id}/cancel"): None,
    ("POST", "/v1/campaigns/{campaign_id}/pause"): None,
    ("POST", "/v1/campaigns/{campaign_id}/resume"): None,
    ("POST", "/v1/campaigns/{campaign_id}/resend"): {"include": ["blocked"]},
    ("GET", "/v1/templates"): None,
    ("POST", "/v1/templates"): {"name": "other"},
    ("GET", "/v1/templates/{name}"): None,
    ("PATCH", "/v1/templates/{name}"): {"name": "stolen"},
    ("DELETE", "/v1/templates/{name}"): None,
    ("POST", "/v1/templates/{name}/steps"): {"content": TEXT},
    ("PATCH", "/v1/templates/{name}/steps/{step_id}"): {"delay": 5},
    ("DELETE", "/v1/templates/{name}/steps/{step_id}"): None,
    ("POST", "/v1/commands"): {"command": "/send templates"},
    ("PUT", "/v1/operator-groups/{chat_id}"): {"bot_token": GROUP_TOKEN, "language": "de"},
    ("GET", "/v1/operator-groups"): None,
    ("GET", "/v1/operator-groups/{chat_id}"): None,
    ("DELETE", "/v1/operator-groups/{chat_id}"): None,
    ("PUT", "/v1/operator-groups/{chat_id}/topics/{thread_id}"): TOPIC,
    ("DELETE", "/v1/operator-groups/{chat_id}/topics/{thread_id}"): None,
    ("POST", "/v1/webhooks"): {"url": "http://127.0.0.1:9/hook"},
    ("GET", "/v1/webhooks"): None,
    ("GET", "/v1/webhooks/{webhook_id}"): None,
    ("PATCH", "/v1/webhooks/{webhook_id}"): {"progress_step": 20},
    ("DELETE", "/v1/webhooks/{webhook_id}"): None,
    ("GET", "/v1/webhooks/{webhook_id}/deliveries"): None,
    ("POST", "/v1/webhooks/{webhook_id}/test"): None,
    ("POST", "/v1/webhooks/{webhook_id}/rotate-secret"): None,
}
OF_ONE_TENANT = {  # name a resource of the tenant's own: another tenant gets 404
    ("GET", "/v1/connections/{connection_id}"),
    ("POST", "/v1/connections/{connection_id}/check"),
    ("GET", "/v1/campaigns/{campaign_id}"),
    ("GET", "/v1/campaigns/{campaign_id}/deliveries"),
    ("GET", "/v1/campaigns/{campaign_id}/report.csv"),
    ("POST", "/v1/campaigns/{campaign_id}/cancel"),
    ("POST", "/v1/campaigns/{campaign_id}/pause"),
    ("POST", "/v1/campaigns/{campaign_id}/resume"),
    ("POST", "/v1/campaigns/{campaign_id}/resend"),
    ("GET", "/v1/templates/{name}"),
    ("PATCH", "/v1/templates/{name}"),
    ("DELETE", "/v1/templates/{name}"),
    ("POST", "/v1/templates/{name}/steps"),
    ("PATCH", "/v1/templates/{name}/steps/{step_id}"),
    ("DELETE", "/v1/templates/{name}/steps/{step_id}"),
    ("GET", "/v1/operator-groups/{chat_id}"),
    ("DELETE", "/v1/operator-groups/{chat_id}"),
    ("PUT", "/v1/operator-groups/{chat_id}/topics/{thread_id}"),
    ("DELETE", "/v1/operator-groups/{chat_id}/topics/{thread_id}"),
    ("GET", "/v1/webhooks/{webhook_id}"),
    ("PATCH", "/v1/webhooks/{webhook_id}"),
    ("DELETE", "/v1/webhooks/{webhook_id}"),
    ("GET", "/v1/webhooks/{webhook_id}/deliveries"),
    ("POST", "/v1/webhooks/{webhook_id}/test"),
    ("POST", "/v1/webhooks/{webhook_id}/rotate-secret"),
}
WEBHOOKS: dict[str, str] = {}
"""The webhook of each tenant `tenant_with_things` made (to a port nothing answers)."""


README = Path(__file__).parents[4] / "README.md"
ROLES = ("platform key", "admin", "operator")
HELLO = {"kind": "text", "text": "Hello, {name}!"}


def roles_table() -> dict[str, dict[str, str]]:
    """The README's "Who may do what": `how` -> {role: yes | no | own}."""
    text = README.read_text(encoding="utf-8")
    section = text.split("### Who may do what", 1)[1].split("\n#", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")][2:]
    table = {}
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        table[cells[1]] = dict(zip(ROLES, cells[2:], strict=True))
    return table


TABLE = roles_table()


def operation_of(how: str) -> tuple[str, str] | None:
    """`POST /v1/campaigns` (...) -> ("POST", "/v1/campaigns"); None for a command."""
    found = re.match(r"^`([A-Z]+) (/v1/\S+)`", how)
    return (found.group(1), found.group(2)) if found else None


def test_every_operation_of_the_api_is_in_the_table(api: Api) -> None:
    documented = {
        (method.upper(), path)
        for path, operations in api.app.openapi()["paths"].items()
        for method in operations
    }
    in_table = {operation_of(how) for how in TABLE} - {None}
    assert documented == in_table, "give each new operation its row in the README's table"
    assert set(OPERATIONS) == documented, "and a body to call it with here"
    for how, cells in TABLE.items():
        assert set(cells.values()) <= {"yes", "no", "own"}, how


async def tenant_with_things(api: Api) -> tuple[Tenant, str]:
    """A tenant with a connection, a one-step template `promo`, a campaign, an
    operator group with a topic bound and a webhook."""
    tenant = await new_tenant(api)
    await api.call(
        tenant.admin,
        "PUT",
        "/v1/connections/tg-main",
        json=OPERATIONS[("PUT", "/v1/connections/{connection_id}")],
        expect=201,
    )
    await api.call(
        tenant.admin,
        "POST",
        "/v1/templates",
        json={"name": "promo", "steps": [{"content": TEXT}]},
        expect=201,
    )
    created = await api.call(tenant.admin, "POST", "/v1/campaigns", json=CAMPAIGN, expect=201)
    group = {"bot_token": GROUP_TOKEN}
    await api.call(tenant.admin, "PUT", f"/v1/operator-groups/{CHAT}", json=group, expect=201)
    topic = f"/v1/operator-groups/{CHAT}/topics/5"
    await api.call(tenant.admin, "PUT", topic, json=TOPIC, expect=201)
    hook = OPERATIONS[("POST", "/v1/webhooks")]
    webhook = await api.call(tenant.admin, "POST", "/v1/webhooks", json=hook, expect=201)
    WEBHOOKS[tenant.id] = webhook.json()["id"]
    return tenant, created.json()["campaign_id"]


def _path(path: str, tenant: Tenant, campaign_id: str) -> str:
    return (
        path.replace("{tenant_id}", tenant.id)
        .replace("{connection_id}", "tg-main")
        .replace("{campaign_id}", campaign_id)
        .replace("{name}", "promo")
        .replace("{step_id}", "1")
        .replace("{key_id}", tenant.key_ids["operator"])
        .replace("{chat_id}", CHAT)
        .replace("{thread_id}", "5")
        .replace("{webhook_id}", WEBHOOKS.get(tenant.id, ""))
    )


async def _call(api: Api, key: str | None, operation: tuple[str, str], path: str) -> int:
    method, _ = operation
    body = OPERATIONS[operation]
    if operation == ("POST", "/v1/contacts/import"):
        answered = await api.call(
            key,
            method,
            path,
            content="connection_id,external_id\ntg-main,1\n",
            headers={"Content-Type": "text/csv"},
        )
    elif operation == ("POST", "/v1/audience/lists"):
        answered = await api.call(
            key, method, path, content="101, 102\n103\n", headers={"Content-Type": "text/plain"}
        )
    else:
        answered = await api.call(key, method, path, json=body)
    if answered.status_code in (401, 403):
        assert answered.json()["detail"], "a refusal says what is needed"
    return answered.status_code


@dataclass(frozen=True)
class Target:
    """A campaign a cell acts on: its id and sending id."""

    campaign_id: str
    sid: int


ONE_DIALOG = {
    "connection_id": "tg-main",
    "audience": {"kind": "list", "external_ids": ["9001"]},
    "content": {"kind": "template", "template": "promo"},
    "start_at": "2098-01-01 00:00:00",
}


async def started_by(api: Api, key: str, body: dict[str, object]) -> Target:
    created = await api.call(key, "POST", "/v1/campaigns", json=body, expect=201)
    campaign = created.json()["campaigns"][0]
    return Target(campaign["id"], campaign["sending_id"])


RESEND = ("POST", "/v1/campaigns/{campaign_id}/resend")
RESUME = ("POST", "/v1/campaigns/{campaign_id}/resume")


async def attempt(api: Api, tenant: Tenant, how: str, key: str | None, target: Target) -> int:
    """Do what the row `how` names, with `key`, on `target`; the HTTP status."""
    operation = operation_of(how)
    if operation is not None:
        if how.endswith("(one dialog, a template)"):
            answered = await api.call(key, "POST", "/v1/campaigns", json=ONE_DIALOG)
            return answered.status_code
        path = _path(operation[1], tenant, target.campaign_id)
        if operation == RESEND and key is not None:
            await complete(api, tenant, target.campaign_id)
        if operation == RESUME and key is not None:  # paused by the admin (once)
            pause = f"/v1/campaigns/{target.campaign_id}/pause"
            assert (await api.call(tenant.admin, "POST", pause)).status_code in (202, 409)
        return await _call(api, key, operation, path)
    found = re.match(r"^`(/send [^`]*)` \((General|dialog)(, replying)?\)$", how)
    assert found, f"a command row is `/send ...` (General|dialog[, replying]): {how}"
    command = re.sub(r"\bsid\b", f"sid{target.sid}", found.group(1))
    if command.endswith(" resend") and key is not None:
        await complete(api, tenant, target.campaign_id)  # only a finished one is resent
    if command.endswith(" resume") and key is not None:  # paused by the admin (once)
        pause = f"/v1/campaigns/{target.campaign_id}/pause"
        assert (await api.call(tenant.admin, "POST", pause)).status_code in (202, 409)
    body: dict[str, object] = {"command": command, "external_id": "9001"}
    if found.group(2) == "dialog":
        body["place"] = {"kind": "dialog", "connection_id": "tg-main", "external_id": "9001"}
    if found.group(3):
        body["reply_to"] = HELLO
    answered = await api.call(key, "POST", "/v1/commands", json=body)
    if answered.status_code in (401, 403):
        assert answered.json()["detail"], "a refusal says what is needed"
    return answered.status_code


CELLS = [(how, role) for how in TABLE for role in ROLES]


@pytest.mark.parametrize(("how", "role"), CELLS, ids=[f"{h} {r}" for h, r in CELLS])
async def test_each_cell_of_the_roles_table(api: Api, how: str, role: str) -> None:
    tenant, campaign_id = await tenant_with_things(api)
    mass = await api.call(tenant.admin, "GET", f"/v1/campaigns/{campaign_id}", expect=200)
    others = Target(campaign_id, mass.json()["sending_id"])
    if how.endswith("(dialog)"):  # a sending of the admin's that includes the dialog
        others = await started_by(api, tenant.admin, ONE_DIALOG)
    key = {"platform key": PLATFORM_KEY, "admin": tenant.admin, "operator": tenant.operator}[role]
    assert await attempt(api, tenant, how, None, others) == 401
    allowed = TABLE[how][role]
    if allowed == "own":
        own = await started_by(api, key, ONE_DIALOG)
        assert await attempt(api, tenant, how, key, own) < 300, "what one started"
        assert await attempt(api, tenant, how, key, others) == 403, "what another started"
    elif allowed == "yes":
        assert await attempt(api, tenant, how, key, others) < 300
    else:
        assert await attempt(api, tenant, how, key, others) == 403


@pytest.mark.parametrize("operation", sorted(OF_ONE_TENANT), ids=" ".join)
async def test_another_tenant_never_sees_or_touches_it(
    api: Api, operation: tuple[str, str]
) -> None:
    tenant, campaign_id = await tenant_with_things(api)
    other = await new_tenant(api)
    path = _path(operation[1], tenant, campaign_id)
    for key in (other.admin, other.operator):
        status = await _call(api, key, operation, path)
        assert status in (403, 404), f"{operation}: {status}"
        admin_only = TABLE[f"`{operation[0]} {operation[1]}`"]["operator"] == "no"
        if not admin_only or key == other.admin:
            assert status == 404, "another tenant's ids answer 404, as unknown ones do"
    template = await api.call(tenant.admin, "GET", "/v1/templates/promo", expect=200)
    assert len(template.json()["steps"]) == 1
    campaign = await api.call(tenant.admin, "GET", f"/v1/campaigns/{campaign_id}", expect=200)
    assert campaign.json()["cancel_requested_at"] is None


async def test_lists_commands_and_requests_stay_within_the_tenant(api: Api) -> None:
    tenant, campaign_id = await tenant_with_things(api)
    other = await new_tenant(api)
    key = other.admin
    other_tenant = await api.call(key, "GET", f"/v1/tenants/{tenant.id}", expect=404)
    assert tenant.id in other_tenant.json()["detail"]
    assert (await api.call(key, "GET", "/v1/campaigns", expect=200)).json()["items"] == []
    assert (await api.call(key, "GET", "/v1/templates", expect=200)).json()["items"] == []
    assert (await api.call(key, "GET", "/v1/connections", expect=200)).json() == []
    shown = await api.call(key, "POST", "/v1/commands", json={"command": "/send sid1"})
    assert shown.status_code == 404
    refused = await api.call(key, "POST", "/v1/campaigns", json=CAMPAIGN)
    assert refused.status_code == 422
    assert "unknown connection 'tg-main'" in refused.json()["detail"]
    refused = await api.call(
        key,
        "POST",
        "/v1/campaigns",
        json={**CAMPAIGN, "content": {"kind": "template", "template": "promo"}},
    )
    assert "unknown template 'promo'" in refused.json()["detail"]
    own = await api.call(tenant.admin, "GET", "/v1/campaigns", expect=200)
    assert [c["id"] for c in own.json()["items"]] == [campaign_id]
