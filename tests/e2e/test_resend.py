"""Resending a finished campaign on the Telegram simulator, every service its own
process: the resend picks exactly the recipients whose delivery failed for a
reason that may pass (a 5xx on every attempt) or whose outcome is unknown (the
dispatcher killed mid-send), the blocked ones only when asked; asked twice, it
is one campaign; and the resent campaign delivers to them."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

import pytest
from platform_sim.client import SimControl
from test_support.api_client import CampaignApi
from test_support.waiting import eventually

from .conftest import World

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

TOKEN = "423456789:AAE2Eresend-token-for-the-simulated"
CONNECTION = "tg-resend"
SENT = ["990001", "990002", "990003", "990004"]
TRANSIENT = ["990005", "990006"]
BLOCKED = "990007"
DEACTIVATED = "990008"
UNKNOWN = "990009"
PEOPLE = [*SENT, *TRANSIENT, BLOCKED, DEACTIVATED, UNKNOWN]
TEXT = "Resend test for {name}"


async def completed(api: CampaignApi, campaign_id: str, timeout: float = 120) -> dict[str, Any]:
    async def finished() -> dict[str, Any] | None:
        found = await api.campaign(campaign_id)
        return found if found["status"] == "completed" else None

    return await eventually(
        finished, timeout=timeout, interval=0.3, what="the campaign to complete"
    )


async def start(api: CampaignApi, people: list[str], name: str) -> str:
    created = await api.call(
        "POST",
        "/v1/campaigns",
        json={
            "name": name,
            "connection_id": CONNECTION,
            "audience": {"kind": "list", "external_ids": people},
            "content": {"kind": "text", "text": TEXT},
        },
    )
    return str(created["campaign_id"])


async def outcomes(api: CampaignApi, campaign_id: str) -> dict[str, tuple[str, str | None]]:
    page = await api.call("GET", f"/v1/campaigns/{campaign_id}/deliveries?limit=1000")
    return {d["external_id"]: (d["status"], d["error_code"]) for d in page["items"]}


async def kill_the_dispatcher_mid_send(world: World, telegram: SimControl) -> None:
    """Once the call to UNKNOWN is held by the simulator, kill -9 the dispatcher:
    the one restarted finds the delivery mid-send and reports it unknown."""

    async def held() -> bool:
        calls = await telegram.calls(method="sendMessage")
        return any(str(c["recipient"]) == UNKNOWN and c["status"] == 0 for c in calls)

    await eventually(held, timeout=60, interval=0.1, what="the call to be held")
    await world.system.restart("dispatcher-telegram", kill=True)


async def test_a_resend_picks_exactly_the_failures_that_may_pass_and_the_unknown(
    world: World,
) -> None:
    tenant = f"resend-{uuid.uuid4().hex[:6]}"
    async with CampaignApi(world.system.api_url, world.system.platform_key) as platform:
        key = await platform.create_tenant(tenant, subscription_ends_at="2099-01-01T00:00:00Z")
    telegram = world.sims.control("telegram")
    await telegram.configure(rate_per_second=None)
    await telegram.set_recipients([BLOCKED], "blocked")
    await telegram.set_recipients([DEACTIVATED], "deactivated")
    for person in TRANSIENT:  # a 5xx on each of the connection's 2 attempts
        await telegram.add_fault(
            kind="server_error", method="sendMessage", recipient=person, times=2, status=502
        )
    await telegram.add_fault(kind="timeout", method="sendMessage", recipient=UNKNOWN, times=1)

    async with CampaignApi(world.system.api_url, key) as api:
        await api.call(
            "PUT",
            f"/v1/connections/{CONNECTION}",
            json={
                "channel": "telegram_bot",
                "credentials": {"token": TOKEN},
                "limits": {"max_attempts": 2},
            },
        )
        rows = [f"{CONNECTION},{person},Person {person}" for person in PEOPLE]
        await api.import_contacts("connection_id,external_id,name\n" + "\n".join(rows) + "\n")
        audience = {"kind": "list", "external_ids": PEOPLE}
        await api.until_estimated(audience, len(PEOPLE), connection_id=CONNECTION)

        original = await start(api, PEOPLE, "Spring")
        refused = await api.call("POST", f"/v1/campaigns/{original}/resend", expect=409, json={})
        assert refused["code"] == "not_finished"
        await kill_the_dispatcher_mid_send(world, telegram)
        await completed(api, original)
        assert await outcomes(api, original) == {
            **{p: ("sent", None) for p in SENT},
            **{p: ("failed", "5xx") for p in TRANSIENT},
            BLOCKED: ("failed", "403"),
            DEACTIVATED: ("failed", "403"),
            UNKNOWN: ("unknown", "dispatch.interrupted"),
        }

        # every message sent, with the text the person got (personal fields filled)
        page = await api.call("GET", f"/v1/campaigns/{original}/deliveries?limit=1000")
        texts = {d["external_id"]: d["text"] for d in page["items"]}
        assert texts == {p: (f"Resend test for Person {p}" if p in SENT else None) for p in PEOPLE}

        before = max((c["seq"] for c in await telegram.calls()), default=0)
        resent = await api.call("POST", f"/v1/campaigns/{original}/resend", expect=201)
        assert resent["created"] is True
        assert resent["recipients"] == 3
        assert resent["picked"] == {"transient": 2, "unknown": 1}
        assert resent["left_out"] == {"blocked": 1, "deactivated": 1}
        new_id = resent["campaign_id"]
        assert resent["campaign_ids"] == [new_id]

        again = await api.call("POST", f"/v1/campaigns/{original}/resend", expect=200)
        assert again["created"] is False
        assert again["campaign_ids"] == [new_id]
        other = await api.call(
            "POST", f"/v1/campaigns/{original}/resend", expect=409, json={"include": ["blocked"]}
        )
        assert other["code"] == "already_resent"
        assert new_id in other["detail"]

        shown = await api.campaign(new_id)
        assert shown["resend_of"] == original
        assert shown["name"] == "Spring (resend)"
        assert shown["connection_id"] == CONNECTION
        assert sorted(shown["audience"]["contact_ids"]) == [
            f"{CONNECTION}:{p}" for p in sorted([*TRANSIENT, UNKNOWN])
        ]
        resend = await completed(api, new_id)
        assert resend["progress"]["audience_size"] == 3
        assert resend["progress"]["sent"] == 3
        listed = await api.call("GET", "/v1/campaigns")
        assert sum(1 for c in listed["items"] if c["name"].startswith("Spring")) == 2

        calls = [
            c
            for c in await telegram.calls(method="sendMessage", since=before)
            if c["status"] == 200 and str(c["recipient"]) in PEOPLE
        ]
        assert Counter(str(c["recipient"]) for c in calls) == Counter(
            {p: 1 for p in [*TRANSIENT, UNKNOWN]}
        ), "the resend reached exactly the transient failures and the unknown outcome, once"
        assert calls[0]["params"]["text"].startswith("Resend test for Person")

        # asked for, the blocked are resent too (and reached, once they unblocked the bot)
        second = await start(api, PEOPLE, "Summer")
        await completed(api, second)
        await telegram.set_recipients([BLOCKED], "ok")
        with_blocked = await api.call(
            "POST",
            f"/v1/campaigns/{second}/resend",
            expect=201,
            json={"include": ["blocked"], "name": "Summer again"},
        )
        assert with_blocked["picked"] == {"blocked": 1}
        assert with_blocked["left_out"] == {"deactivated": 1}
        assert (await api.campaign(with_blocked["campaign_id"]))["audience"] == {
            "kind": "contacts",
            "contact_ids": [f"{CONNECTION}:{BLOCKED}"],
        }
        done = await completed(api, with_blocked["campaign_id"])
        assert (done["name"], done["progress"]["sent"]) == ("Summer again", 1)
