"""Operator groups (issue 16): a tenant admin links the group the operator-bot
answers in; two API keys are minted for the bot and travel, with the bot's token,
sealed in `operator_group.linked.v1`; relinking replaces the keys, unlinking
revokes them; topics bound to one customer each go out as `dialog.topic.bound.v1`
on `dialogs`.  Bad input answers 422 naming the field; other tenants see nothing."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import aio_pika
import asyncpg
import pytest
from campaign_api.repo.operator_groups import SEALED_COLUMNS
from contracts.names import DIALOGS_EXCHANGE, INTERNAL_EXCHANGE, RoutingKey
from contracts.operator_groups import DialogTopicBoundV1, OperatorGroupLinkedV1
from pydantic import BaseModel
from service_kit.database import create_pool
from service_kit.sealing import seal_stored
from service_kit.secrets import SecretBox, parse_keys
from test_support.secrets import new_secrets_key, run_box

from .conftest import PLATFORM_KEY, Api, Tenant, new_tenant

pytestmark = pytest.mark.integration

CHAT = -1001234567890
GROUP_TOKEN = "987654321:AAoperator-group-bot-token-00000001"
OTHER_TOKEN = "987654321:AAoperator-group-bot-token-00000002"
LINK = {"bot_token": GROUP_TOKEN, "language": "ru", "allowed_user_ids": [111, 222, 111]}
M = TypeVar("M", bound=BaseModel)


@asynccontextmanager
async def listening(
    api: Api, exchange: str, routing_key: str
) -> AsyncIterator[aio_pika.abc.AbstractQueue]:
    connection = await aio_pika.connect(api.rabbitmq_url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue("", exclusive=True)
        await queue.bind(exchange, routing_key)
        yield queue


async def next_of(
    queue: aio_pika.abc.AbstractQueue, model: type[M], mine: Callable[[M], bool]
) -> tuple[M, bytes]:
    """The next message on `queue` that `mine` accepts, and its raw body."""
    async with asyncio.timeout(10), queue.iterator() as messages:
        async for message in messages:
            await message.ack()
            event = model.model_validate_json(message.body)
            if mine(event):
                return event, message.body
    raise AssertionError("no message")


def of(tenant: Tenant) -> Callable[[Any], bool]:
    return lambda event: bool(event.tenant_id == tenant.id)


async def link(api: Api, tenant: Tenant, body: dict[str, Any] = LINK, expect: int = 201) -> Any:
    answered = await api.call(
        tenant.admin, "PUT", f"/v1/operator-groups/{CHAT}", json=body, expect=expect
    )
    return answered.json()


async def status_with(api: Api, key: str, call: Callable[[str], Awaitable[int]]) -> int:
    return await call(key)


async def test_a_linked_group_gives_the_bot_sealed_working_keys(api: Api, tenant: Tenant) -> None:
    async with listening(api, INTERNAL_EXCHANGE, RoutingKey.OPERATOR_GROUP_LINKED) as queue:
        shown = await link(api, tenant)
        event, raw = await next_of(queue, OperatorGroupLinkedV1, of(tenant))
    assert shown["bot_token"] == "****" + GROUP_TOKEN[-4:]
    assert shown["language"] == "ru"
    assert shown["allowed_user_ids"] == [111, 222]
    assert shown["chat_id"] == CHAT
    assert shown["topics"] == []
    assert (event.chat_id, event.language, event.unlinked) == (CHAT, "ru", False)
    assert event.allowed_user_ids == [111, 222]
    keys = run_box().open_credentials(event.sealed_keys)
    assert set(keys) == {"admin", "operator"}
    assert run_box().open(event.sealed_bot_token) == GROUP_TOKEN
    for secret in (GROUP_TOKEN, keys["admin"], keys["operator"]):
        assert secret.encode() not in raw, "nothing in clear on the broker"
    # the keys act as their roles
    await api.call(keys["admin"], "GET", "/v1/templates", expect=200)
    body = {"channel": "telegram_bot", "credentials": {"token": GROUP_TOKEN}}
    await api.call(keys["operator"], "PUT", "/v1/connections/by-bot", json=body, expect=403)
    await api.call(keys["admin"], "PUT", "/v1/connections/by-bot", json=body, expect=201)
    # listed by the platform with their label; shown by no call of the tenant's
    listed = await api.call(PLATFORM_KEY, "GET", f"/v1/tenants/{tenant.id}/api-keys", expect=200)
    labelled = [k for k in listed.json() if k["label"] == f"operator-bot {CHAT}"]
    assert sorted(k["role"] for k in labelled) == ["admin", "operator"]
    for path in ("/v1/operator-groups", f"/v1/operator-groups/{CHAT}"):
        seen = await api.call(tenant.operator, "GET", path, expect=200)
        assert GROUP_TOKEN not in seen.text
        assert keys["admin"] not in seen.text
        assert keys["operator"] not in seen.text
    conn = await asyncpg.connect(api.database_url)
    try:
        row = await conn.fetchval(
            "SELECT g::text FROM campaign_api.operator_groups g WHERE tenant_id = $1", tenant.id
        )
    finally:
        await conn.close()
    assert GROUP_TOKEN not in row
    assert keys["admin"] not in row


async def test_relinking_replaces_the_keys_and_unlinking_revokes_them(
    api: Api, tenant: Tenant
) -> None:
    async with listening(api, INTERNAL_EXCHANGE, RoutingKey.OPERATOR_GROUP_LINKED) as queue:
        await link(api, tenant)
        first, _ = await next_of(queue, OperatorGroupLinkedV1, of(tenant))
        again = {"bot_token": OTHER_TOKEN, "language": "de"}
        shown = await link(api, tenant, again, expect=200)
        second, _ = await next_of(queue, OperatorGroupLinkedV1, of(tenant))
        old = run_box().open_credentials(first.sealed_keys)
        new = run_box().open_credentials(second.sealed_keys)
        assert shown["bot_token"].endswith(OTHER_TOKEN[-4:])
        assert shown["allowed_user_ids"] == []
        assert run_box().open(second.sealed_bot_token) == OTHER_TOKEN
        assert second.language == "de"
        assert second.changed_at > first.changed_at
        for key in old.values():
            await api.call(key, "GET", "/v1/templates", expect=401)
        for key in new.values():
            await api.call(key, "GET", "/v1/templates", expect=200)

        await api.call(tenant.operator, "DELETE", f"/v1/operator-groups/{CHAT}", expect=403)
        await api.call(tenant.admin, "DELETE", f"/v1/operator-groups/{CHAT}", expect=204)
        gone, _ = await next_of(queue, OperatorGroupLinkedV1, of(tenant))
    assert gone.unlinked
    assert gone.chat_id == CHAT
    assert gone.changed_at > second.changed_at
    for key in new.values():
        await api.call(key, "GET", "/v1/templates", expect=401)
    await api.call(tenant.admin, "GET", f"/v1/operator-groups/{CHAT}", expect=404)
    await api.call(tenant.admin, "DELETE", f"/v1/operator-groups/{CHAT}", expect=404)


async def test_topics_are_bound_to_one_dialog_each(api: Api, tenant: Tenant) -> None:
    topic = f"/v1/operator-groups/{CHAT}/topics/7"
    dialog = {"connection_id": "tg-main", "external_id": "4242"}
    await api.call(tenant.admin, "PUT", topic, json=dialog, expect=404)  # not linked yet
    await link(api, tenant)
    unknown = await api.call(
        tenant.admin, "PUT", topic, json={**dialog, "connection_id": "nope"}, expect=422
    )
    assert "connection_id" in unknown.json()["detail"]
    await api.call(tenant.operator, "PUT", topic, json=dialog, expect=403)
    async with listening(api, DIALOGS_EXCHANGE, RoutingKey.DIALOG_TOPIC_BOUND) as queue:
        bound = await api.call(tenant.admin, "PUT", topic, json=dialog, expect=201)
        event, _ = await next_of(queue, DialogTopicBoundV1, of(tenant))
        assert (event.chat_id, event.thread_id, event.external_id) == (CHAT, 7, "4242")
        assert not event.unbound
        assert bound.json()["external_id"] == "4242"
        await api.call(tenant.admin, "PUT", topic, json={**dialog, "external_id": "9"}, expect=200)
        shown = await api.call(tenant.operator, "GET", f"/v1/operator-groups/{CHAT}", expect=200)
        assert [(t["thread_id"], t["external_id"]) for t in shown.json()["topics"]] == [(7, "9")]
        await next_of(queue, DialogTopicBoundV1, of(tenant))
        await api.call(tenant.admin, "DELETE", topic, expect=200)
        unbound, _ = await next_of(queue, DialogTopicBoundV1, of(tenant))
    assert unbound.unbound
    assert unbound.external_id == "9"
    await api.call(tenant.admin, "DELETE", topic, expect=404)


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (f"/v1/operator-groups/{-CHAT}", LINK, "chat_id"),
        ("/v1/operator-groups/-4567", LINK, "chat_id"),
        (f"/v1/operator-groups/{CHAT}", {**LINK, "bot_token": "12345:short"}, "bot_token"),
        (f"/v1/operator-groups/{CHAT}", {**LINK, "language": "fr"}, "language"),
        (f"/v1/operator-groups/{CHAT}", {**LINK, "allowed_user_ids": [5, 0]}, "allowed_user_ids"),
        (f"/v1/operator-groups/{CHAT}", {"language": "en"}, "bot_token"),
        (
            f"/v1/operator-groups/{CHAT}/topics/0",
            {"connection_id": "tg-main", "external_id": "1"},
            "thread_id",
        ),
    ],
)
async def test_bad_input_names_the_field(
    api: Api, tenant: Tenant, path: str, body: dict[str, Any], field: str
) -> None:
    answered = await api.call(tenant.admin, "PUT", path, json=body, expect=422)
    problem = answered.json()
    assert any(field in error["field"] for error in problem["errors"]), problem
    assert field in problem["detail"]


async def test_another_tenant_sees_and_touches_nothing(api: Api, tenant: Tenant) -> None:
    await link(api, tenant)
    other = await new_tenant(api)
    for key in (other.admin, other.operator):
        await api.call(key, "GET", f"/v1/operator-groups/{CHAT}", expect=404)
        listed = await api.call(key, "GET", "/v1/operator-groups", expect=200)
        assert listed.json() == []
    await api.call(other.admin, "DELETE", f"/v1/operator-groups/{CHAT}", expect=404)
    topic = {"connection_id": "tg-main", "external_id": "1"}
    path = f"/v1/operator-groups/{CHAT}/topics/3"
    await api.call(other.admin, "PUT", path, json=topic, expect=404)
    shown = await api.call(tenant.admin, "GET", f"/v1/operator-groups/{CHAT}", expect=200)
    assert shown.json()["language"] == "ru"
    assert shown.json()["topics"] == []
    assert json.loads(shown.text)["bot_token"].startswith("****")


async def test_a_groups_secrets_are_sealed_again_with_a_new_key(api: Api, tenant: Tenant) -> None:
    """What the service does at start-up after a new key is put first in SECRETS_KEYS
    (every group of the shared database is sealed back with the run's key after)."""
    await link(api, tenant)
    old = run_box()
    new_key = new_secrets_key()
    run_keys = parse_keys(os.environ["SECRETS_KEYS"])
    pool = await create_pool(api.database_url, "campaign_api", application_name="test")
    try:
        for column in SEALED_COLUMNS:
            done = await seal_stored(pool, SecretBox([new_key, *run_keys]), column)
            assert done.resealed >= 1
            assert done.unreadable == 0
        row = await pool.fetchrow(
            "SELECT sealed_bot_token, sealed_keys FROM operator_groups WHERE tenant_id = $1",
            tenant.id,
        )
    finally:
        for column in SEALED_COLUMNS:
            await seal_stored(pool, SecretBox([*run_keys, new_key]), column)
        await pool.close()
    assert row is not None
    assert SecretBox([new_key]).open(row["sealed_bot_token"]) == GROUP_TOKEN
    assert set(SecretBox([new_key]).open_credentials(row["sealed_keys"])) == {"admin", "operator"}
    assert not old.sealed_with_newest(row["sealed_bot_token"])
