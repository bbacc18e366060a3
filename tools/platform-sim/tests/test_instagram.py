from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import pytest
from platform_sim import RunningSimulators, SimControl

Answer = tuple[int, Any, Mapping[str, str]]
Http = Callable[..., Awaitable[Answer]]
Send = Callable[..., Awaitable[Answer]]
IG_ID = "17841400000000000"
TOKEN = "IGAA-token"


def text(igsid: str, body: str = "Hi!") -> dict[str, Any]:
    return {"recipient": {"id": igsid}, "message": {"text": body}}


def attachment(igsid: str, kind: str) -> dict[str, Any]:
    payload = {"url": f"https://example.com/{kind}"}
    return {
        "recipient": {"id": igsid},
        "message": {"attachment": {"type": kind, "payload": payload}},
    }


@pytest.fixture
def send(sims: RunningSimulators, http: Http, instagram: SimControl) -> Send:
    base = sims.base_url("instagram")

    async def call(body: dict[str, Any], ig_id: str = IG_ID, token: str = TOKEN) -> Answer:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return await http("POST", f"{base}/{ig_id}/messages", json=body, headers=headers)

    return call


def assert_error(answer: Answer, status: int, code: int, subcode: int | None = None) -> None:
    got_status, body, _ = answer
    assert got_status == status
    error = body["error"]
    assert (error["code"], error.get("error_subcode")) == (code, subcode)
    assert error["message"]
    assert error["type"] in ("IGApiException", "OAuthException")
    assert error["fbtrace_id"]


async def test_text_inside_the_window(send: Send, instagram: SimControl) -> None:
    await instagram.set_recipient("901", "ok", last_inbound_at=time.time() - 60)
    status, body, _ = await send(text("901"))
    assert status == 200
    assert body["recipient_id"] == "901"
    assert body["message_id"]
    [call] = await instagram.calls()
    assert (call["account"], call["method"], call["recipient"]) == (IG_ID, "messages", "901")


async def test_me_path_and_attachments(send: Send, instagram: SimControl) -> None:
    await instagram.set_recipients(["902"], "ok", last_inbound_at=time.time())
    await instagram.configure(per_recipient_per_second=None)
    for kind in ("image", "audio", "video", "file"):
        assert (await send(attachment("902", kind), ig_id="me"))[0] == 200
    assert {call["account"] for call in await instagram.calls()} == {"me"}


async def test_outside_the_window_counts_as_a_violation(send: Send, instagram: SimControl) -> None:
    assert_error(await send(text("903")), 403, 10, 2018278)
    await instagram.set_recipient("904", "ok", last_inbound_at=time.time() - 25 * 3600)
    assert_error(await send(text("904")), 403, 10, 2018278)
    stats = (await instagram.stats())["accounts"][IG_ID]
    assert (stats["policy_violations"], stats["successes"]) == (2, 0)
    await instagram.configure(enforce_window=False)
    assert (await send(text("905")))[0] == 200


async def test_human_agent_tag_gives_seven_days(send: Send, instagram: SimControl) -> None:
    await instagram.set_recipient("906", "ok", last_inbound_at=time.time() - 3 * 86400)
    tagged = {**text("906"), "messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}
    assert (await send(tagged))[0] == 200
    await instagram.set_recipient("907", "ok", last_inbound_at=time.time() - 8 * 86400)
    assert_error(await send({**tagged, "recipient": {"id": "907"}}), 403, 10, 2018278)


async def test_text_length(send: Send, instagram: SimControl) -> None:
    await instagram.configure(enforce_window=False, per_recipient_per_second=None)
    assert (await send(text("908", "x" * 999)))[0] == 200
    assert_error(await send(text("908", "x" * 1000)), 400, 100)


@pytest.mark.parametrize(
    "body",
    [
        {"message": {"text": "hi"}},
        {"recipient": {"id": "909"}},
        {"recipient": {"id": "909"}, "message": {}},
        {"recipient": {"id": "909"}, "message": {"attachment": {"type": "hologram"}}},
        {"recipient": {"id": "909"}, "message": {"attachment": {"type": "image", "payload": {}}}},
    ],
)
async def test_invalid_requests(send: Send, instagram: SimControl, body: dict[str, Any]) -> None:
    await instagram.configure(enforce_window=False)
    assert_error(await send(body), 400, 100)


async def test_unavailable_recipient(send: Send, instagram: SimControl) -> None:
    await instagram.set_recipient("910", "unavailable", last_inbound_at=time.time())
    assert_error(await send(text("910")), 400, 551, 1545041)


async def test_bad_token(send: Send, instagram: SimControl) -> None:
    assert_error(await send(text("911"), token=""), 401, 190)
    await instagram.set_account(IG_ID, "unauthorized")
    assert_error(await send(text("911")), 401, 190, 460)


async def test_audio_and_video_have_their_own_rate(send: Send, instagram: SimControl) -> None:
    await instagram.configure(enforce_window=False, media_rate_per_second=1, rate_per_second=2)
    assert (await send(attachment("912", "audio")))[0] == 200
    assert_error(await send(attachment("913", "video")), 429, 613)
    assert (await send(text("914")))[0] == 200
    assert (await send(attachment("915", "image")))[0] == 200
    assert_error(await send(text("916")), 429, 4, 2207051)


async def test_server_error_fault(send: Send, instagram: SimControl) -> None:
    await instagram.configure(enforce_window=False)
    await instagram.add_fault(kind="server_error")
    assert_error(await send(text("917")), 500, 1)


@pytest.mark.parametrize("node", ["me", IG_ID])
async def test_the_account_answers_its_fields(
    sims: RunningSimulators, http: Http, instagram: SimControl, node: str
) -> None:
    status, body, _ = await http(
        "GET",
        f"{sims.base_url('instagram')}/{node}",
        params={"fields": "user_id,username,account_type"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert status == 200
    assert set(body) == {"user_id", "username", "account_type", "id"}
    assert body["user_id"].isdigit()
    if node == IG_ID:
        assert body["user_id"] == IG_ID
    [call] = await instagram.calls()
    assert (call["method"], call["account"]) == ("user", node)


async def test_the_account_refuses_an_unknown_token(
    sims: RunningSimulators, http: Http, instagram: SimControl
) -> None:
    await instagram.configure(valid_tokens=[TOKEN])
    answer = await http(
        "GET", f"{sims.base_url('instagram')}/me", headers={"Authorization": "Bearer IGAA-other"}
    )
    assert_error(answer, 401, 190)
