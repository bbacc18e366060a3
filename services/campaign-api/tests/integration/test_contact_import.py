"""POST /v1/contacts/import through to the audience-resolver's contact base, on
the real broker and database: CSV and JSON lines, bad rows reported by line and
the rest kept, refused content types and headers, a large body, and an import
batch delivered twice."""

from __future__ import annotations

import asyncio
import csv
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aio_pika
import asyncpg
import pytest
from contracts.audience import ContactsImportedV1, ContactUpsertedV1
from contracts.names import DIALOGS_EXCHANGE, INTERNAL_EXCHANGE, RoutingKey
from test_support.waiting import eventually

from .audience_base import (
    JSON_LINES,
    add_whatsapp,
    contacts_of,
    count_of,
    error_lines,
    import_rows,
    response_detail,
    stored,
)
from .conftest import Api, Tenant

pytestmark = pytest.mark.integration


async def test_a_csv_import_stores_every_good_row_and_names_each_bad_one(
    api: Api, tenant: Tenant
) -> None:
    await add_whatsapp(api, tenant)
    over_the_limit = b"x" * (csv.field_size_limit() + 1)
    body = b"\n".join(
        [
            b"external_id,connection_id,name,labels,functions_executed,opted_out,city",
            b"100,tg-main,Alice,vip;newsletter,booking,no,Berlin",  # 2
            b"200,wa-main,Bob,,,,",  # 3
            b"300,nowhere,Nobody,,,,",  # 4: unknown connection
            b"400,tg-main,Bad \xff byte,,,,",  # 5: not UTF-8
            b"500,tg-main,NUL \x00 inside,,,,",  # 6: PostgreSQL cannot store it
            b"600,tg-main," + over_the_limit + b",,,,",  # 7: over the csv module's limit
            b"",
            b"700,tg-main,Carol,,,yes,",  # 9
        ]
    )
    report = await import_rows(api, tenant, body)
    assert (report["rows"], report["accepted"], report["rejected"]) == (7, 3, 4)
    assert error_lines(report) == [4, 5, 6, 7]
    assert "unknown connection 'nowhere'" in report["errors"][0]["error"]
    assert "not UTF-8" in report["errors"][1]["error"]
    assert "NUL" in report["errors"][2]["error"]
    assert "field larger than field limit" in report["errors"][3]["error"]
    assert report["errors_truncated"] is False

    rows = await stored(api, tenant.id, 3)
    assert [(r["connection_id"], r["external_id"]) for r in rows] == [
        ("tg-main", "100"),
        ("tg-main", "700"),
        ("wa-main", "200"),
    ]
    alice = rows[0]
    assert (alice["name"], alice["labels"], alice["functions_executed"]) == (
        "Alice",
        ["vip", "newsletter"],
        ["booking"],
    )
    assert alice["attributes"] == {"city": "Berlin"}
    assert rows[2]["channel"] == "whatsapp"
    assert rows[1]["opted_out_at"] is not None


async def test_a_json_lines_import_with_the_connection_named_once(api: Api, tenant: Tenant) -> None:
    lines = [
        json.dumps({"external_id": "1", "name": "Ann", "attributes": {"tier": 2}}),
        "{not json",
        json.dumps({"external_id": "2", "labels": ["vip"], "last_inbound_at": "2026-11-20T08:00Z"}),
        json.dumps({"external_id": "3", "name": "\ud800"}),  # a lone surrogate: not Unicode
        json.dumps(["not", "an", "object"]),
        json.dumps({"external_id": "bad id"}),
    ]
    body = "\n".join(lines).encode("utf-8", errors="surrogatepass")
    report = await import_rows(api, tenant, body, headers=JSON_LINES, connection_id="tg-main")
    assert (report["accepted"], error_lines(report)) == (2, [2, 4, 5, 6])
    assert "surrogate" in report["errors"][1]["error"]
    rows = await stored(api, tenant.id, 2)
    assert [(r["external_id"], r["attributes"], r["labels"]) for r in rows] == [
        ("1", {"tier": 2}, []),
        ("2", {}, ["vip"]),
    ]
    assert rows[1]["last_inbound_at"] == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize("content_type", ["application/json", "image/png", "multipart/form-data"])
async def test_other_content_types_are_refused(api: Api, tenant: Tenant, content_type: str) -> None:
    response = await api.call(
        tenant.admin,
        "POST",
        "/v1/contacts/import",
        content=b"external_id\n1\n",
        headers={"Content-Type": content_type},
        expect=415,
    )
    assert "text/csv" in response_detail(response)


@pytest.mark.parametrize(
    ("body", "params", "message"),
    [
        (b"name,labels\nAlice,vip\n", {"connection_id": "tg-main"}, "external_id column"),
        (b"external_id,name\n1,Alice\n", {}, "connection_id column"),
        (b"", {"connection_id": "tg-main"}, "header row"),
    ],
    ids=["no external_id", "no connection", "empty"],
)
async def test_a_csv_without_its_header_is_refused_before_anything_is_sent(
    api: Api, tenant: Tenant, body: bytes, params: dict[str, str], message: str
) -> None:
    response = await api.call(
        tenant.admin,
        "POST",
        "/v1/contacts/import",
        content=body,
        headers={"Content-Type": "text/csv"},
        params=params,
        expect=422,
    )
    assert message in response_detail(response)
    assert await contacts_of(api, tenant.id) == []


async def test_an_operator_may_not_import(api: Api, tenant: Tenant) -> None:
    await api.call(
        tenant.operator,
        "POST",
        "/v1/contacts/import",
        content=b"external_id\n1\n",
        headers={"Content-Type": "text/csv"},
        expect=403,
    )


LARGE = 30_000


async def _large_csv() -> AsyncIterator[bytes]:
    """A body that streams in chunks, with bad rows spread through it."""
    yield b"external_id,connection_id,name\n"
    for start in range(0, LARGE, 1000):
        rows = [
            f"{n},{'tg-main' if n % 20 else 'nowhere'},Person {n}\n"
            for n in range(start, start + 1000)
        ]
        yield "".join(rows).encode()
        await asyncio.sleep(0)


async def test_a_large_streamed_body_is_stored_whole_and_its_errors_listed_to_a_limit(
    api: Api, tenant: Tenant
) -> None:
    async with api.client(tenant.admin) as client:
        response = await client.post(
            "/v1/contacts/import", content=_large_csv(), headers={"Content-Type": "text/csv"}
        )
    assert response.status_code == 200, response.text
    report = response.json()
    bad = LARGE // 20
    assert (report["rows"], report["accepted"], report["rejected"]) == (LARGE, LARGE - bad, bad)
    assert len(report["errors"]) == 1000
    assert report["errors_truncated"] is True
    assert report["errors"][:2] == [
        {"line": 2, "error": "connection_id: unknown connection 'nowhere'"},
        {"line": 22, "error": "connection_id: unknown connection 'nowhere'"},
    ]

    async def all_stored() -> bool:
        return await count_of(api, tenant.id) == LARGE - bad

    await eventually(all_stored, timeout=30, what="every good row to be stored")


async def test_an_import_batch_delivered_again_changes_nothing(api: Api, tenant: Tenant) -> None:
    """The batch as the API published it, captured on a queue of the test's own
    and delivered to the resolver a second time after newer changes."""
    connection = await aio_pika.connect(api.rabbitmq_url)
    async with connection:
        channel = await connection.channel()
        copies = await channel.declare_queue(exclusive=True, auto_delete=True)
        await copies.bind(INTERNAL_EXCHANGE, routing_key=RoutingKey.CONTACTS_IMPORTED)
        body = b"external_id,name,labels\n100,From the file,lead\n200,Also from the file,\n"
        await import_rows(api, tenant, body, connection_id="tg-main")
        first = await stored(api, tenant.id, 2)

        async def captured() -> aio_pika.abc.AbstractIncomingMessage | None:
            while (message := await copies.get(fail=False, no_ack=True)) is not None:
                if ContactsImportedV1.model_validate_json(message.body).tenant_id == tenant.id:
                    return message
            return None

        batch = await eventually(captured, what="a copy of the import batch")
        assert ContactsImportedV1.model_validate_json(batch.body).total_contacts == 2

        newer = ContactUpsertedV1(
            tenant_id=tenant.id,
            connection_id="tg-main",
            channel="telegram",
            external_id="100",
            name="From the platform",
            labels=["vip"],
            updated_at=datetime.now(UTC) + timedelta(minutes=1),
        )
        dialogs = await channel.get_exchange(DIALOGS_EXCHANGE, ensure=False)
        await dialogs.publish(
            aio_pika.Message(newer.model_dump_json().encode(), content_type="application/json"),
            routing_key=RoutingKey.CONTACT_UPSERTED,
        )

        async def updated() -> list[asyncpg.Record] | None:
            rows = await contacts_of(api, tenant.id)
            return rows if rows[0]["name"] == "From the platform" else None

        before = await eventually(updated, what="the newer upsert to be stored")
        internal = await channel.get_exchange(INTERNAL_EXCHANGE, ensure=False)
        await internal.publish(
            aio_pika.Message(
                batch.body, message_id=batch.message_id, content_type="application/json"
            ),
            routing_key=RoutingKey.CONTACTS_IMPORTED,
        )

        async def applied_again() -> list[asyncpg.Record] | None:
            # every upsert writes a new row version, even one that changes nothing
            rows = await contacts_of(api, tenant.id)
            versions = {r["external_id"]: r["version"] for r in before}
            return rows if all(versions[r["external_id"]] != r["version"] for r in rows) else None

        again = await eventually(applied_again, what="the batch to be applied a second time")
    assert len(again) == 2
    assert (again[0]["name"], again[0]["labels"]) == ("From the platform", ["vip"])
    assert again[1]["name"] == first[1]["name"] == "Also from the file"
