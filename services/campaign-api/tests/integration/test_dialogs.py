"""GET /v1/dialogs and `usecases.dialogs.list_dialogs`, through to the
audience-resolver: a tenant's dialogs newest first, searched, filtered and paged,
opted-out ones flagged, each usable in a `contacts` audience; another tenant's
never; a bad parameter answers 422 naming it."""

from __future__ import annotations

from typing import Any

import pytest
from campaign_api.domain.model import Principal, Refusal
from campaign_api.usecases import dialogs
from contracts.audience import FilterAudience

from .audience_base import add_whatsapp, import_rows, stored
from .conftest import Api, Tenant, new_tenant

pytestmark = pytest.mark.integration

BASE = b"""external_id,connection_id,name,labels,locale,opted_out
1,tg-main,Anna Schmidt,vip;customer,de,no
2,tg-main,Boris,customer,en,no
3,wa-main,anna-lena,vip,,yes
ANNA77,tg-main,,,,no
5,wa-main,Eva,customer,,no
"""
NEWEST_FIRST = ["wa-main:5", "tg-main:ANNA77", "wa-main:3", "tg-main:2", "tg-main:1"]
FIELDS = {
    "contact_id",
    "connection_id",
    "channel",
    "external_id",
    "name",
    "labels",
    "functions_executed",
    "last_inbound_at",
    "locale",
    "opted_out",
}


@pytest.fixture
async def known(api: Api, tenant: Tenant) -> Tenant:
    """A tenant with the dialogs of BASE (3 opted out)."""
    await add_whatsapp(api, tenant)
    await import_rows(api, tenant, BASE)
    await stored(api, tenant.id, 5)
    return tenant


async def listed(api: Api, key: str, **params: Any) -> dict[str, Any]:
    response = await api.call(key, "GET", "/v1/dialogs", params=params, expect=200)
    found: dict[str, Any] = response.json()
    return found


def ids(page: dict[str, Any]) -> list[str]:
    return [item["contact_id"] for item in page["items"]]


async def test_the_tenants_dialogs_newest_first_opted_out_flagged(api: Api, known: Tenant) -> None:
    page = await listed(api, known.operator)
    assert ids(page) == NEWEST_FIRST
    assert page["next_cursor"] is None
    assert all(set(item) == FIELDS for item in page["items"])
    assert [item["contact_id"] for item in page["items"] if item["opted_out"]] == ["wa-main:3"]
    anna = page["items"][-1]
    assert anna == {
        "contact_id": "tg-main:1",
        "connection_id": "tg-main",
        "channel": "telegram",
        "external_id": "1",
        "name": "Anna Schmidt",
        "labels": ["vip", "customer"],
        "functions_executed": [],
        "last_inbound_at": None,
        "locale": "de",
        "opted_out": False,
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "ANNA"}, ["tg-main:ANNA77", "wa-main:3", "tg-main:1"]),
        ({"q": "  schmidt "}, ["tg-main:1"]),
        ({"label_any": ["vip", "nobody"]}, ["wa-main:3", "tg-main:1"]),
        ({"label_all": ["vip", "customer"]}, ["tg-main:1"]),
        ({"channel": "whatsapp"}, ["wa-main:5", "wa-main:3"]),
        ({"connection_id": ["tg-main", "other"]}, ["tg-main:ANNA77", "tg-main:2", "tg-main:1"]),
        ({"locale": "en"}, ["tg-main:2"]),
        ({"name_contains": "eva"}, ["wa-main:5"]),
        ({"last_inbound_within": "7d"}, []),
        ({"function": "quiz"}, []),
        ({"q": "anna", "channel": "telegram", "label_any": "vip"}, ["tg-main:1"]),
    ],
    ids=lambda value: "&".join(value) if isinstance(value, dict) else None,
)
async def test_a_search_and_the_filters_select_dialogs(
    api: Api, known: Tenant, params: dict[str, Any], expected: list[str]
) -> None:
    assert ids(await listed(api, known.admin, **params)) == expected


async def test_pages_follow_next_cursor_to_the_last(api: Api, known: Tenant) -> None:
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        page = await listed(api, known.admin, limit=2, **({"cursor": cursor} if cursor else {}))
        seen += ids(page)
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == NEWEST_FIRST


async def test_each_contact_id_goes_in_a_contacts_audience(api: Api, known: Tenant) -> None:
    audience = {"kind": "contacts", "contact_ids": ids(await listed(api, known.admin))}
    estimate = await api.call(
        known.admin, "POST", "/v1/audience/estimate", json={"audience": audience}, expect=200
    )
    assert estimate.json()["by_connection"] == {"tg-main": 3, "wa-main": 1}  # 3 opted out


async def test_another_tenant_sees_none_of_them(api: Api, known: Tenant) -> None:
    other = await new_tenant(api)
    assert ids(await listed(api, other.admin)) == []
    assert ids(await listed(api, other.admin, q="anna")) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 201}, "limit"),
        ({"limit": 0}, "limit"),
        ({"channel": "sms"}, "channel"),
        ({"connection_id": "no spaces"}, "connection_id"),
        ({"label_any": " "}, "label_any"),
        ({"last_inbound_within": "a week"}, "last_inbound_within"),
        ({"q": "x" * 201}, "q"),
        ({"cursor": "x" * 65}, "cursor"),
    ],
    ids=lambda value: "&".join(value) if isinstance(value, dict) else None,
)
async def test_a_bad_parameter_is_refused_by_name(
    api: Api, tenant: Tenant, params: dict[str, Any], field: str
) -> None:
    response = await api.call(tenant.admin, "GET", "/v1/dialogs", params=params, expect=422)
    problem = response.json()
    assert problem["code"] == "invalid"
    (error,) = problem["errors"]
    assert error["field"] in (f"query.{field}", f"query.{field}[0]")  # a list's item: [0]
    assert problem["detail"].startswith(f"{error['field']}: ")


async def test_a_period_over_ten_years_is_refused_by_its_rule(api: Api, tenant: Tenant) -> None:
    """Its form is one the document allows: JSON Schema cannot say "ten years"."""
    params = {"last_inbound_within": "99999w"}
    response = await api.call(tenant.admin, "GET", "/v1/dialogs", params=params, expect=422)
    problem = response.json()
    assert problem["code"] == "bad_filter"
    assert problem["detail"] == "last_inbound_within: duration '99999w' is longer than ten years"


async def test_a_cursor_the_list_never_gave_is_refused(api: Api, tenant: Tenant) -> None:
    response = await api.call(
        tenant.admin, "GET", "/v1/dialogs", params={"cursor": "not-a-cursor"}, expect=422
    )
    assert response.json()["code"] == "bad_cursor"
    assert response.json()["detail"].startswith("cursor: ")


async def test_the_use_case_called_directly(api: Api, known: Tenant) -> None:
    svc = api.app.state.services
    caller = Principal(tenant_id=known.id, role="operator", key_id=known.key_ids["operator"])
    page = await dialogs.list_dialogs(svc, caller, FilterAudience(labels_any=["vip"]), "anna")
    assert [item.contact_id for item in page.items] == ["wa-main:3", "tg-main:1"]
    assert [item.opted_out for item in page.items] == [True, False]
    with pytest.raises(Refusal) as refused:
        await dialogs.list_dialogs(svc, caller, limit=500)
    assert refused.value.reason.startswith("limit: ")
    platform = Principal(tenant_id=None, role="platform", key_id="platform")
    with pytest.raises(Refusal) as forbidden:
        await dialogs.list_dialogs(svc, platform)
    assert forbidden.value.status == 403
