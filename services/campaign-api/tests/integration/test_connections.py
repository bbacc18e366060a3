"""Connections are checked as they are saved (the form of each channel's
credentials: a malformed token, an id that is not a number, a key the channel
does not have, one it needs), and on request against the platform itself
(`POST /v1/connections/{id}/check`), whose success tells the dispatchers."""

from __future__ import annotations

from typing import Any

import aio_pika
import pytest
from contracts.names import INTERNAL_EXCHANGE, RoutingKey
from contracts.tenants import ConnectionCheckedV1, credentials_digest
from platform_sim.client import RunningSimulators
from test_support.waiting import eventually

from .conftest import Api, Tenant, new_tenant

TOKEN = "700000123:AAcheck-bot-token-00000000000000000"
WA = {"access_token": "EAAG-check-token", "phone_number_id": "106540352242922"}
SESSION = {"session": "1AaBbCc", "api_id": "12345", "api_hash": "0123456789abcdef0123456789abcdef"}

REFUSED = [
    ("telegram_bot", {"token": "not-a-token"}, "credentials.token", "<digits>:<35"),
    ("telegram_bot", {"token": "123:" + "A" * 34}, "credentials.token", "@BotFather"),
    ("telegram_bot", {"token": TOKEN + " "}, "credentials.token", "without spaces"),
    ("telegram_bot", {}, "credentials.token", "Field required"),
    ("telegram_bot", {"token": TOKEN, "phone_number_id": "1"}, "credentials.phone_number_id", ""),
    ("whatsapp", {**WA, "phone_number_id": "+1 555 0100"}, "credentials.phone_number_id", "digits"),
    ("whatsapp", {"access_token": "EAAG"}, "credentials.phone_number_id", "Field required"),
    ("whatsapp", {**WA, "access_token": ""}, "credentials.access_token", "at least 1"),
    ("whatsapp", {**WA, "token": TOKEN}, "credentials.token", "not permitted"),
    ("instagram", {"access_token": "IGAA", "ig_id": "my_shop"}, "credentials.ig_id", "digits"),
    ("instagram", {"ig_id": "1784140"}, "credentials.access_token", "Field required"),
    ("telegram_user", {**SESSION, "api_id": "abc"}, "credentials.api_id", "digits"),
    ("telegram_user", {**SESSION, "api_hash": "h"}, "credentials.api_hash", "32 hexadecimal"),
    ("telegram_user", {"api_id": "1", "api_hash": "0" * 32}, "credentials.session", "required"),
    ("telegram_botx", {"token": TOKEN}, "channel", "telegram_bot"),
]


@pytest.mark.parametrize(
    ("channel", "credentials", "field", "says"),
    REFUSED,
    ids=[f"{c}-{f}-{n}" for n, (c, _, f, _) in enumerate(REFUSED)],
)
async def test_malformed_credentials_are_refused_naming_the_field(
    api: Api, tenant: Tenant, channel: str, credentials: dict[str, str], field: str, says: str
) -> None:
    body = {"channel": channel, "credentials": credentials}
    refused = await api.call(tenant.admin, "PUT", "/v1/connections/bad", json=body, expect=422)
    errors = refused.json()["errors"]
    assert [e["field"] for e in errors] == [field], errors
    assert says in errors[0]["message"]
    assert TOKEN not in refused.text
    await api.call(tenant.admin, "GET", "/v1/connections/bad", expect=404)


ACCEPTED = [
    ("telegram_bot", {"token": TOKEN}),
    ("telegram_bot", {"token": "1:" + "-_aZ09" * 5 + "xxxxx"}),
    ("whatsapp", WA),
    ("instagram", {"access_token": "IGAA-token"}),
    ("instagram", {"access_token": "IGAA-token", "ig_id": "17841400000000000"}),
    ("telegram_user", SESSION),
]


@pytest.mark.parametrize(("channel", "credentials"), ACCEPTED, ids=[c for c, _ in ACCEPTED])
async def test_well_formed_credentials_are_saved(
    api: Api, tenant: Tenant, channel: str, credentials: dict[str, str]
) -> None:
    body = {"channel": channel, "credentials": credentials}
    saved = await api.call(tenant.admin, "PUT", "/v1/connections/good", json=body, expect=201)
    assert set(saved.json()["credentials"]) == set(credentials)


async def test_the_api_description_shows_each_channels_credentials(api: Api) -> None:
    described = await api.call(None, "GET", "/openapi.json", expect=200)
    schemas = described.json()["components"]["schemas"]
    assert schemas["TelegramBotCredentials"]["required"] == ["token"]
    assert set(schemas["WhatsAppCredentials"]["required"]) == {"access_token", "phone_number_id"}


async def saved(api: Api, tenant: Tenant, connection_id: str, body: dict[str, Any]) -> str:
    put = await api.call(tenant.admin, "PUT", f"/v1/connections/{connection_id}", json=body)
    assert put.status_code in (200, 201), put.text
    return f"/v1/connections/{connection_id}/check"


CHECKS = [
    ("telegram_bot", {"token": TOKEN}, "Telegram bot @", "(id 700000123) answers"),
    ("whatsapp", WA, "WhatsApp number +1 555-", "quality rating GREEN"),
    ("instagram", {"access_token": "IGAA-token"}, "Instagram account @sim_account_", "answers"),
]


@pytest.mark.parametrize(
    ("channel", "credentials", "starts", "ends"), CHECKS, ids=["tg", "wa", "ig"]
)
async def test_a_check_names_the_account_and_tells_the_dispatchers(
    api: Api, channel: str, credentials: dict[str, str], starts: str, ends: str
) -> None:
    tenant = await new_tenant(api)
    connection = await aio_pika.connect(api.rabbitmq_url)
    async with connection:
        channel_ = await connection.channel()
        heard = await channel_.declare_queue("", exclusive=True)
        await heard.bind(INTERNAL_EXCHANGE, RoutingKey.CONNECTION_CHECKED)
        path = await saved(api, tenant, "main", {"channel": channel, "credentials": credentials})
        answer = (await api.call(tenant.operator, "POST", path, expect=200)).json()
        assert answer["ok"] is True
        assert answer["answer"].startswith(starts), answer
        assert answer["answer"].endswith(ends), answer
        got: list[aio_pika.abc.AbstractIncomingMessage] = []

        async def published() -> bool:
            message = await heard.get(fail=False)
            if message is not None:
                got.append(message)
            return bool(got)

        await eventually(published, what="connection.checked.v1")
        event = ConnectionCheckedV1.model_validate_json(got[0].body)
    assert (event.tenant_id, event.connection_id, event.channel) == (tenant.id, "main", channel)
    assert event.credentials_digest == credentials_digest(credentials)


async def test_a_refused_token_says_what_to_do(
    api: Api, tenant: Tenant, sims: RunningSimulators
) -> None:
    bot_id = "700000124"
    path = await saved(
        api,
        tenant,
        "revoked",
        {"channel": "telegram_bot", "credentials": {"token": f"{bot_id}:{'R' * 35}"}},
    )
    async with sims.control("telegram") as telegram:
        await telegram.set_account(bot_id, "unauthorized")
        answer = (await api.call(tenant.admin, "POST", path, expect=200)).json()
        await telegram.set_account(bot_id, "ok")
    assert answer == {
        "ok": False,
        "answer": "Telegram says 401 Unauthorized: the token is wrong or revoked; get a new "
        "one from @BotFather (/token)",
    }


async def test_graph_refusals_say_what_to_fix(
    api: Api, tenant: Tenant, sims: RunningSimulators
) -> None:
    async with sims.control("whatsapp") as whatsapp:
        await whatsapp.configure(valid_tokens=["EAAG-the-right-one"])
        path = await saved(api, tenant, "wa", {"channel": "whatsapp", "credentials": WA})
        answer = (await api.call(tenant.admin, "POST", path, expect=200)).json()
        await whatsapp.configure(valid_tokens=None)
    assert answer["ok"] is False
    assert "WhatsApp says the access token is invalid or expired (code 190" in answer["answer"]


async def test_an_unreachable_platform_is_said_so(api: Api, tenant: Tenant) -> None:
    path = await saved(
        api, tenant, "tg-x", {"channel": "telegram_bot", "credentials": {"token": TOKEN}}
    )
    base = api.app.state.services.settings
    original = base.telegram_api_base
    base.telegram_api_base = "http://127.0.0.1:9"  # discard: nothing listens
    try:
        answer = (await api.call(tenant.admin, "POST", path, expect=200)).json()
    finally:
        base.telegram_api_base = original
    assert answer["ok"] is False
    assert answer["answer"].startswith("Telegram could not be reached at http://127.0.0.1:9 (")
    assert TOKEN not in answer["answer"]


async def test_a_personal_account_or_an_unknown_connection_cannot_be_checked(
    api: Api, tenant: Tenant
) -> None:
    path = await saved(api, tenant, "me", {"channel": "telegram_user", "credentials": SESSION})
    refused = await api.call(tenant.admin, "POST", path, expect=422)
    assert refused.json()["code"] == "not_checkable"
    await api.call(tenant.admin, "POST", "/v1/connections/nobody/check", expect=404)
