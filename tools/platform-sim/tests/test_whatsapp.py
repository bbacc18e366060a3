from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import pytest
from platform_sim import RunningSimulators, SimControl

Answer = tuple[int, Any, Mapping[str, str]]
Http = Callable[..., Awaitable[Answer]]
Send = Callable[..., Awaitable[Answer]]
PHONE_ID = "106540352242922"
TOKEN = "EAAG-token"


def text(to: str, body: str = "Hello!") -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "text",
        "text": {"body": body, "preview_url": False},
    }


def template(to: str) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "to": to,
        "type": "template",
        "template": {"name": "autumn_sale", "language": {"code": "en_US"}, "components": []},
    }


@pytest.fixture
def send(sims: RunningSimulators, http: Http, whatsapp: SimControl) -> Send:
    base = sims.base_url("whatsapp")

    async def call(body: dict[str, Any], token: str = TOKEN, phone_id: str = PHONE_ID) -> Answer:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return await http("POST", f"{base}/{phone_id}/messages", json=body, headers=headers)

    return call


def assert_graph_error(answer: Answer, status: int, code: int) -> None:
    got_status, body, _ = answer
    assert got_status == status
    error = body["error"]
    assert error["code"] == code
    assert error["type"] == "OAuthException"
    assert error["message"]
    assert error["fbtrace_id"]


async def test_text_inside_the_window(send: Send, whatsapp: SimControl) -> None:
    await whatsapp.set_recipient("+15551234567", "ok", last_inbound_at=time.time() - 3600)
    status, body, _ = await send(text("+1 555 123 4567"))
    assert status == 200
    assert body["messaging_product"] == "whatsapp"
    assert body["contacts"] == [{"input": "+1 555 123 4567", "wa_id": "15551234567"}]
    [message] = body["messages"]
    assert message["id"].startswith("wamid.")
    [call] = await whatsapp.calls()
    assert (call["method"], call["account"], call["recipient"]) == (
        "messages:text",
        PHONE_ID,
        "15551234567",
    )
    assert call["params"]["text"]["body"] == "Hello!"


async def test_message_ids_are_unique(send: Send, whatsapp: SimControl) -> None:
    await whatsapp.configure(enforce_window=False)
    ids = {(await send(text(f"1555000{n}")))[1]["messages"][0]["id"] for n in range(5)}
    assert len(ids) == 5


async def test_templates_need_no_window(send: Send) -> None:
    status, body, _ = await send(template("15550000001"))
    assert status == 200
    assert body["messages"][0]["message_status"] == "accepted"


async def test_outside_the_window(send: Send, whatsapp: SimControl) -> None:
    unknown = await send(text("15550000002"))
    assert_graph_error(unknown, 400, 131047)
    assert unknown[1]["error"]["error_data"]["messaging_product"] == "whatsapp"
    assert "24 hours" in unknown[1]["error"]["error_data"]["details"]
    await whatsapp.set_recipient("15550000003", "ok", last_inbound_at=time.time() - 25 * 3600)
    assert_graph_error(await send(text("15550000003")), 400, 131047)
    await whatsapp.configure(enforce_window=False)
    assert (await send(text("15550000004")))[0] == 200
    assert_graph_error(await send(text("15550000003")), 400, 131047)


@pytest.mark.parametrize(
    "body",
    [
        {**text("15550000005"), "messaging_product": "sms"},
        {k: v for k, v in text("15550000005").items() if k != "messaging_product"},
        {k: v for k, v in text("15550000005").items() if k != "to"},
        {**text("15550000005"), "text": {}},
        text("15550000005", "x" * 4097),
        {**text("15550000005"), "type": "hologram"},
        {"messaging_product": "whatsapp", "to": "15550000005", "type": "image", "image": {}},
        {
            "messaging_product": "whatsapp",
            "to": "15550000005",
            "type": "audio",
            "audio": {"id": "1", "caption": "no"},
        },
        {
            "messaging_product": "whatsapp",
            "to": "15550000005",
            "type": "template",
            "template": {"name": "x"},
        },
    ],
)
async def test_invalid_requests(send: Send, body: dict[str, Any]) -> None:
    answer = await send(body)
    assert_graph_error(answer, 400, 100)
    assert answer[1]["error"]["error_data"]["details"]


async def test_media_messages(send: Send, whatsapp: SimControl) -> None:
    await whatsapp.configure(enforce_window=False)
    for n, (kind, payload) in enumerate(
        [
            ("image", {"link": "https://example.com/a.jpg", "caption": "Sale"}),
            ("video", {"id": "1234"}),
            ("document", {"link": "https://example.com/menu.pdf"}),
            ("audio", {"id": "5678"}),
            ("sticker", {"id": "9012"}),
        ]
    ):
        body = {"messaging_product": "whatsapp", "to": f"1555111{n}", "type": kind, kind: payload}
        assert (await send(body))[0] == 200
    assert [call["method"] for call in await whatsapp.calls()] == [
        "messages:image",
        "messages:video",
        "messages:document",
        "messages:audio",
        "messages:sticker",
    ]


async def test_bad_token(send: Send, whatsapp: SimControl) -> None:
    assert_graph_error(await send(template("15550000006"), token=""), 401, 190)
    await whatsapp.configure(valid_tokens=["good"])
    assert_graph_error(await send(template("15550000006"), token="bad"), 401, 190)
    assert (await send(template("15550000006"), token="good"))[0] == 200


@pytest.mark.parametrize(
    ("state", "code"), [("undeliverable", 131026), ("unknown", 131026), ("opted_out", 131050)]
)
async def test_recipient_states(send: Send, whatsapp: SimControl, state: str, code: int) -> None:
    await whatsapp.set_recipient("15550000007", state)
    assert_graph_error(await send(template("+15550000007")), 400, code)


@pytest.mark.parametrize(
    ("state", "status", "code"),
    [("spam_restricted", 429, 131048), ("policy_blocked", 403, 368), ("unauthorized", 401, 190)],
)
async def test_account_states(
    send: Send, whatsapp: SimControl, state: str, status: int, code: int
) -> None:
    await whatsapp.set_account(PHONE_ID, state)
    assert_graph_error(await send(template("15550000008")), status, code)
    assert (await send(template("15550000008"), phone_id="other"))[0] == 200


async def test_pair_rate_limit(send: Send) -> None:
    assert (await send(template("15550000009")))[0] == 200
    assert_graph_error(await send(template("15550000009")), 429, 131056)
    assert (await send(template("15550000010")))[0] == 200


async def test_throughput_limit(send: Send, whatsapp: SimControl) -> None:
    await whatsapp.configure(rate_per_second=2)
    for n in range(2):
        assert (await send(template(f"1555222{n}")))[0] == 200
    assert_graph_error(await send(template("15552229")), 429, 130429)


async def test_scripted_error(send: Send, whatsapp: SimControl) -> None:
    await whatsapp.add_fault(
        kind="error", status=400, code=131049, description="Meta chose not to deliver"
    )
    status, body, _ = await send(template("15550000011"))
    assert (status, body["error"]["code"]) == (400, 131049)
    assert body["error"]["error_data"]["details"] == "Meta chose not to deliver"
    await whatsapp.add_fault(kind="server_error", status=503)
    assert_graph_error(await send(template("15550000012")), 503, 2)


async def test_the_phone_number_answers_its_fields(
    sims: RunningSimulators, http: Http, whatsapp: SimControl
) -> None:
    url = f"{sims.base_url('whatsapp')}/{PHONE_ID}"
    fields = "display_phone_number,verified_name,quality_rating"
    status, body, _ = await http(
        "GET", url, params={"fields": fields}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert status == 200
    assert set(body) == {"display_phone_number", "verified_name", "quality_rating", "id"}
    assert (body["id"], body["quality_rating"]) == (PHONE_ID, "GREEN")
    [call] = await whatsapp.calls()
    assert (call["method"], call["account"], call["recipient"]) == ("phone_number", PHONE_ID, None)


async def test_the_phone_number_refuses_an_unknown_token_or_number(
    sims: RunningSimulators, http: Http, whatsapp: SimControl
) -> None:
    base = sims.base_url("whatsapp")
    await whatsapp.configure(valid_tokens=[TOKEN])
    other = {"Authorization": "Bearer EAAG-other"}
    assert_graph_error(await http("GET", f"{base}/{PHONE_ID}", headers=other), 401, 190)
    status, body, _ = await http("GET", f"{base}/not-a-number", params={"access_token": TOKEN})
    assert (status, body["error"]["code"], body["error"]["error_subcode"]) == (400, 100, 33)
