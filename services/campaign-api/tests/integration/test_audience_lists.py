"""POST /v1/audience/lists and estimates of list audiences, through to the
audience-resolver: a file of ids (mixed separators, blank lines, repeats, junk),
plain or as a multipart form; whom it reaches, and who not and why."""

from __future__ import annotations

import uuid

import pytest

from .audience_base import add_whatsapp, import_rows, response_detail, stored
from .conftest import Api, Tenant, new_tenant

pytestmark = pytest.mark.integration

BASE = b"""external_id,connection_id,opted_out
1,tg-main,no
2,tg-main,no
3,tg-main,yes
4,wa-main,no
5,tg-main,no
"""


@pytest.fixture
async def known(api: Api, tenant: Tenant) -> Tenant:
    """A tenant with dialogs 1, 2, 5 on tg-main, 3 opted out there, 4 on wa-main."""
    await add_whatsapp(api, tenant)
    await import_rows(api, tenant, BASE)
    await stored(api, tenant.id, 5)
    return tenant


LIST_FILE = b'5, 404 1\r\n\r\n4;3\t"2"\n1,,5\nbad:id 405\n'


async def test_an_uploaded_list_answers_with_its_id_counts_junk_and_reach(
    api: Api, known: Tenant
) -> None:
    response = await api.call(
        known.admin,
        "POST",
        "/v1/audience/lists",
        content=LIST_FILE,
        headers={"Content-Type": "text/plain"},
        params={"connection_id": "tg-main"},
        expect=201,
    )
    found = response.json()
    list_id = found["list_id"]
    assert found["audience"] == {"kind": "list", "external_ids": None, "list_id": list_id}
    assert (found["ids"], found["duplicates"], found["junk"]) == (7, 2, 1)
    assert found["junk_report"] == [{"line": 5, "text": "bad:id", "reason": "contains ':'"}]
    assert (found["audience_size"], found["by_connection"]) == (3, {"tg-main": 3})
    assert found["unknown_external_ids"] == ["404", "4", "405"]  # 4 is on WhatsApp only
    assert (found["opted_out_count"], found["opted_out_external_ids"]) == (1, ["3"])

    estimate = await api.call(
        known.admin,
        "POST",
        "/v1/audience/estimate",
        json={"audience": {"kind": "list", "list_id": list_id}},
        expect=200,
    )
    every_connection = estimate.json()
    assert every_connection["by_connection"] == {"tg-main": 3, "wa-main": 1}
    assert (every_connection["unknown_count"], every_connection["unknown_external_ids"]) == (
        2,
        ["404", "405"],
    )
    assert every_connection["opted_out_external_ids"] == ["3"]


async def test_a_list_as_a_multipart_form_file(api: Api, known: Tenant) -> None:
    response = await api.call(
        known.admin,
        "POST",
        "/v1/audience/lists",
        files={"file": ("ids.csv", b"1\n2\n404\n", "text/csv")},
        expect=201,
    )
    found = response.json()
    assert (found["ids"], found["audience_size"], found["unknown_count"]) == (3, 2, 1)


async def test_a_large_list_travels_in_parts(api: Api, known: Tenant) -> None:
    ids = [str(n) for n in range(1, 25_001)] + ["1", "2"]
    response = await api.call(
        known.admin,
        "POST",
        "/v1/audience/lists",
        content="\n".join(ids).encode(),
        headers={"Content-Type": "text/plain"},
        expect=201,
    )
    found = response.json()
    assert (found["ids"], found["duplicates"], found["audience_size"]) == (25_000, 2, 4)
    assert (found["unknown_count"], found["opted_out_count"]) == (25_000 - 5, 1)
    assert len(found["unknown_external_ids"]) == 1000
    assert found["unknown_external_ids"][:2] == ["6", "7"]


@pytest.mark.parametrize(
    ("content", "content_type", "status", "message"),
    [
        (b"1 2 3", "application/json", 415, "text/plain"),
        (b" ,\n\n", "text/plain", 422, "no platform user ids"),
        (b"a:b c:d", "text/plain", 422, "2 things that are not ids"),
    ],
    ids=["json", "blank", "only junk"],
)
async def test_a_list_that_cannot_be_used_is_refused(
    api: Api, known: Tenant, content: bytes, content_type: str, status: int, message: str
) -> None:
    response = await api.call(
        known.admin,
        "POST",
        "/v1/audience/lists",
        content=content,
        headers={"Content-Type": content_type},
        expect=status,
    )
    assert message in response_detail(response)


async def test_only_an_admin_uploads_and_a_list_is_its_tenants_own(api: Api, known: Tenant) -> None:
    await api.call(
        known.operator,
        "POST",
        "/v1/audience/lists",
        content=b"1",
        headers={"Content-Type": "text/plain"},
        expect=403,
    )
    other = await new_tenant(api)
    theirs = await api.call(
        other.admin,
        "POST",
        "/v1/audience/lists",
        content=b"1 2",
        headers={"Content-Type": "text/plain"},
        expect=201,
    )
    assert theirs.json()["unknown_count"] == 2  # their base is empty
    for list_id in (theirs.json()["list_id"], str(uuid.uuid4())):
        response = await api.call(
            known.operator,
            "POST",
            "/v1/audience/estimate",
            json={"audience": {"kind": "list", "list_id": list_id}},
            expect=422,
        )
        assert "POST /v1/audience/lists" in response_detail(response)


async def test_an_inline_list_estimate_reports_unknown_and_opted_out_ids(
    api: Api, known: Tenant
) -> None:
    response = await api.call(
        known.operator,
        "POST",
        "/v1/audience/estimate",
        json={"audience": {"kind": "list", "external_ids": "1 3 404"}, "connection_id": "tg-main"},
        expect=200,
    )
    found = response.json()
    assert (found["audience_size"], found["unknown_count"], found["opted_out_count"]) == (1, 1, 1)
    assert (found["unknown_external_ids"], found["opted_out_external_ids"]) == (["404"], ["3"])
