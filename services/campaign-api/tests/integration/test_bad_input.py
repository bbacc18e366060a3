"""Values no platform sends and no database stores — a NUL character in any
text, a start in year 9999, a media file that is no http(s) URL or file id —
are refused with the field named: 422 over HTTP (the dry run too), and one
`campaign.rejected.v1` on the event path, never a 500 or a message redelivered
until the broker's delivery limit."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from contracts.names import RoutingKey
from test_support.campaign_requests import CampaignOutcomes, campaign_outcomes

from .conftest import Api, Tenant

NUL = "\x00"
HELLO = {"kind": "text", "text": "Hello"}


def campaign(**fields: Any) -> dict[str, Any]:
    return {"connection_id": "tg-main", "audience": {"kind": "all"}, "content": HELLO, **fields}


def assert_refused(response: Any, field: str) -> None:
    assert response.status_code == 422, response.text
    fields = [error["field"] for error in response.json()["errors"]]
    assert field in fields, response.text
    assert field in response.json()["detail"]


CAMPAIGN_CASES = [
    (campaign(name=f"Sale{NUL}"), "name", "NUL character"),
    (campaign(content={"kind": "text", "text": f"Hi{NUL}"}), "content.text", "NUL character"),
    (campaign(requested_by=f"me{NUL}"), "requested_by", "NUL character"),
    (
        campaign(audience={"kind": "filter", "labels_any": [f"v{NUL}"]}),
        "audience.labels_any",
        "NUL",
    ),
    (campaign(start_at="9999-12-31 23:59:59"), "start_at", "more than a hundred years ahead"),
    (campaign(start_at="9999-12-31T23:59:59+00:00"), "start_at", "more than a hundred years ahead"),
    (
        campaign(content={"kind": "media", "media_type": "photo", "file": "file:///etc/passwd"}),
        "content.file",
        "http:// or https:// URL",
    ),
]
CAMPAIGN_IDS = [
    "nul name",
    "nul text",
    "nul requested_by",
    "nul label",
    "year 9999",
    "9999 utc",
    "file",
]


@pytest.mark.parametrize("dry_run", [False, True], ids=["create", "dry run"])
@pytest.mark.parametrize(("body", "field", "why"), CAMPAIGN_CASES, ids=CAMPAIGN_IDS)
async def test_a_campaign_with_a_bad_value_is_a_422_naming_the_field(
    api: Api, tenant: Tenant, body: dict[str, Any], field: str, why: str, dry_run: bool
) -> None:
    path = "/v1/campaigns?dry_run=true" if dry_run else "/v1/campaigns"
    refused = await api.call(tenant.admin, "POST", path, json=body)
    assert_refused(refused, field)
    assert why in refused.json()["detail"]


async def test_a_template_step_with_a_nul_is_a_422_naming_the_field(
    api: Api, tenant: Tenant
) -> None:
    body = {"name": "promo", "steps": [{"content": {"kind": "text", "text": f"a{NUL}b"}}]}
    assert_refused(
        await api.call(tenant.admin, "POST", "/v1/templates", json=body), "steps[0].content.text"
    )
    await api.call(tenant.admin, "POST", "/v1/templates", json={"name": "promo"}, expect=201)
    step = {"content": {"kind": "media", "media_type": "photo", "file": "x", "caption": NUL}}
    added = await api.call(tenant.admin, "POST", "/v1/templates/promo/steps", json=step)
    assert_refused(added, "content.caption")


@pytest.mark.parametrize(
    ("credentials", "field"),
    [
        (
            {
                "channel": "whatsapp",
                "credentials": {"access_token": f"EAAG{NUL}x", "phone_number_id": "1"},
            },
            "credentials.access_token",
        ),
        (
            {"channel": "instagram", "credentials": {"access_token": f"IG{NUL}"}},
            "credentials.access_token",
        ),
        (
            {
                "channel": "telegram_user",
                "credentials": {"session": f"1{NUL}", "api_id": "1", "api_hash": "0" * 32},
            },
            "credentials.session",
        ),
    ],
    ids=["whatsapp token", "instagram token", "telegram session"],
)
async def test_a_connection_token_with_a_nul_is_a_422_naming_the_field(
    api: Api, tenant: Tenant, credentials: dict[str, Any], field: str
) -> None:
    refused = await api.call(tenant.admin, "PUT", "/v1/connections/other", json=credentials)
    assert_refused(refused, field)
    assert "EAAG" not in refused.text  # the secret is not echoed


async def test_a_command_replying_to_a_text_with_a_nul_is_a_422_naming_the_field(
    api: Api, tenant: Tenant
) -> None:
    body = {"command": "/send promo", "reply_to": {"kind": "text", "text": f"x{NUL}"}}
    assert_refused(await api.call(tenant.admin, "POST", "/v1/commands", json=body), "reply_to.text")
    named = {"command": "/send all", "reply_to": HELLO, "name": f"n{NUL}"}
    assert_refused(await api.call(tenant.admin, "POST", "/v1/commands", json=named), "name")


@pytest.fixture
async def outcomes(api: Api) -> AsyncIterator[CampaignOutcomes]:
    async with campaign_outcomes(api.rabbitmq_url) as outcomes:
        yield outcomes


@pytest.mark.parametrize(("body", "field", "why"), CAMPAIGN_CASES, ids=CAMPAIGN_IDS)
async def test_a_requested_campaign_with_a_bad_value_is_rejected_once_naming_the_field(
    api: Api, tenant: Tenant, outcomes: CampaignOutcomes, body: dict[str, Any], field: str, why: str
) -> None:
    request_id = str(uuid.uuid4())
    await outcomes.publish({**body, "request_id": request_id, "tenant_id": tenant.id})
    await outcomes.answered(request_id, timeout=20)
    follow_up = str(uuid.uuid4())  # handled after any redelivery of the bad one
    await outcomes.publish({**campaign(), "request_id": follow_up, "tenant_id": tenant.id})
    await outcomes.answered(follow_up, timeout=20)
    [(key, rejected)] = outcomes.of(request_id)
    assert key == RoutingKey.CAMPAIGN_REJECTED
    assert rejected["tenant_id"] == tenant.id
    assert field in [error["field"] for error in rejected["errors"]], rejected
    assert why in rejected["reason"]
    assert outcomes.of(follow_up)[0][0] == RoutingKey.CAMPAIGN_ACCEPTED
