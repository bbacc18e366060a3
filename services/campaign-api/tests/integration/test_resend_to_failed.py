"""Resend to failed on the real broker and database, as `/send sidN resend` and
the console's buttons (the same use case as `POST /v1/campaigns/{id}/resend`): it
picks exactly the recipients whose delivery failed for a reason that may pass or
whose outcome is unknown, leaves out the blocked, deactivated, opted out (and the
other classes) unless the command names them, and asked twice makes one sending."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from contracts.audience import Recipient, RecipientsResolvedV1
from contracts.base import utc_now
from contracts.dispatch import DeliveriesReportedV1, DeliveryResult
from contracts.names import INTERNAL_EXCHANGE, RoutingKey
from test_support.waiting import eventually

from .conftest import Api, Tenant, complete, scheduled_campaign
from .console_browser import signed_in

pytestmark = pytest.mark.integration

GAVE_UP = "Bad Gateway (gave up after 3 attempts)"
OUTCOMES: dict[str, tuple[str, str | None, str | None]] = {
    "701": ("sent", None, None),
    "702": ("failed", "5xx", GAVE_UP),  # transient
    "703": ("unknown", "dispatch.interrupted", "the dispatcher stopped mid-send"),
    "704": ("failed", "403", "Forbidden: bot was blocked by the user"),
    "705": ("failed", "403", "Forbidden: user is deactivated"),
    "706": ("skipped", "policy.opted_out", "the person opted out"),
    "707": ("failed", "connection.paused", "the connection is paused until tomorrow"),
    "708": ("failed", "network", "no answer within the timeout (gave up after 3 attempts)"),
}


async def send(api: Api, key: str, command: str, expect: int = 200) -> Any:
    answered = await api.call(key, "POST", "/v1/commands", json={"command": command})
    assert answered.status_code == expect, answered.text
    return answered.json()


async def finished_campaign(
    api: Api,
    tenant: Tenant,
    name: str,
    outcomes: dict[str, tuple[str, str | None, str | None]] = OUTCOMES,
) -> tuple[UUID, int]:
    """A campaign to the people of `outcomes` that ended with those outcomes; its id
    and sending id."""
    people = list(outcomes)
    campaign = await scheduled_campaign(api, tenant, people, name=name)
    runtime = api.app.state.runtime
    recipients = [
        Recipient(recipient_no=n, contact_id=f"tg-main:{p}", external_id=p, name=f"Person {p}")
        for n, p in enumerate(people, start=1)
    ]
    await runtime.publisher.publish(
        RecipientsResolvedV1(
            campaign_id=campaign, tenant_id=tenant.id, batch_no=1, recipients=recipients
        ),
        exchange=INTERNAL_EXCHANGE,
        routing_key=RoutingKey.RECIPIENTS_RESOLVED,
    )
    now = utc_now()
    results = [
        DeliveryResult(
            campaign_id=campaign,
            recipient_no=n,
            step_no=1,
            status=status,  # type: ignore[arg-type]
            attempts=1,
            error_code=code,
            error_reason=reason,
            sent_at=now if status == "sent" else None,
            finished_at=now,
        )
        for n, (status, code, reason) in enumerate(outcomes.values(), start=1)
    ]

    async def all_reported() -> bool:
        await runtime.publisher.publish(
            DeliveriesReportedV1(tenant_id=tenant.id, connection_id="tg-main", results=results),
            exchange=INTERNAL_EXCHANGE,
            routing_key=RoutingKey.DELIVERY_REPORTED,
        )
        page = await api.call(tenant.admin, "GET", f"/v1/campaigns/{campaign}/deliveries")
        return [d["status"] for d in page.json()["items"]] == [s for s, _, _ in outcomes.values()]

    await eventually(all_reported, timeout=30, interval=0.5, what="every outcome recorded")
    await complete(api, tenant, str(campaign))
    shown = await api.call(tenant.admin, "GET", f"/v1/campaigns/{campaign}", expect=200)
    return campaign, int(shown.json()["sending_id"])


def audience_of(body: dict[str, Any]) -> list[str]:
    (made,) = body["campaigns"]
    ids: list[str] = made["audience"]["contact_ids"]
    return sorted(ids)


async def test_resend_picks_exactly_the_right_people_once(api: Api, tenant: Tenant) -> None:
    campaign, sid = await finished_campaign(api, tenant, "Spring")

    refused = await send(api, tenant.operator, f"/send sid{sid} resend", expect=403)
    assert (
        refused["detail"] == f"only an administrator may resend sid{sid} (/send sid{sid} shows it)"
    )

    resent = await send(api, tenant.admin, f"/send sid{sid} resend")
    assert resent["action"] == "resend_sending"
    assert resent["calls"][-1] == {
        "method": "POST",
        "path": f"/v1/campaigns/{campaign}/resend",
        "status": 201,
    }
    body = resent["result"]
    assert body["picked"] == {"transient": 2, "unknown": 1}
    assert body["left_out"] == {"blocked": 1, "connection": 1, "deactivated": 1, "opted_out": 1}
    assert audience_of(body) == ["tg-main:702", "tg-main:703", "tg-main:708"]
    (made,) = body["campaigns"]
    assert (made["name"], made["resend_of"]) == ("Spring (resend)", str(campaign))
    assert resent["answer"].startswith(
        f"sid{sid} is resent to 3 recipients it did not reach (2 transient, 1 unknown); left "
        "out: 1 blocked, 1 connection, 1 deactivated, 1 opted_out"
    )
    assert f"sid{made['sending_id']} 'Spring (resend)' on tg-main" in resent["answer"]

    again = await send(api, tenant.admin, f"/send sid{sid} resend")
    assert again["calls"][-1]["status"] == 200
    assert again["result"]["campaign_ids"] == body["campaign_ids"]  # one sending, not two
    assert "nothing new was created" in again["answer"]
    other = await send(api, tenant.admin, f"/send sid{sid} resend blocked", expect=409)
    assert other["code"] == "already_resent"
    listed = await api.call(tenant.admin, "GET", "/v1/campaigns", expect=200)
    assert sum(c["name"].startswith("Spring") for c in listed.json()["items"]) == 2

    # asked for, the blocked, deactivated and opted out are resent too
    _, second = await finished_campaign(api, tenant, "Summer")
    wider = await send(api, tenant.admin, f"/send sid{second} resend blocked deactivated OPTED_OUT")
    assert wider["result"]["picked"] == {
        "blocked": 1,
        "deactivated": 1,
        "opted_out": 1,
        "transient": 2,
        "unknown": 1,
    }
    assert wider["result"]["left_out"] == {"connection": 1}
    assert audience_of(wider["result"]) == [
        f"tg-main:{p}" for p in OUTCOMES if p not in ("701", "707")
    ]


async def test_a_resend_of_an_unfinished_sending_or_a_wrong_class_is_refused(
    api: Api, tenant: Tenant
) -> None:
    campaign = await scheduled_campaign(api, tenant, ["801"], name="Later")
    shown = await api.call(tenant.admin, "GET", f"/v1/campaigns/{campaign}", expect=200)
    sid = shown.json()["sending_id"]
    early = await send(api, tenant.admin, f"/send sid{sid} resend", expect=409)
    assert early["code"] == "not_finished"
    assert early["detail"].startswith(f"sid{sid} has not finished: resend it once it has")
    wrong = await send(api, tenant.admin, f"/send sid{sid} resend everyone", expect=422)
    assert "'everyone' is no failure class" in wrong["detail"]


async def test_the_console_resends_from_the_list_and_the_campaign_page(
    api: Api, tenant: Tenant
) -> None:
    campaign, _ = await finished_campaign(api, tenant, "Autumn")
    resend = f'action="/console/campaigns/{campaign}/resend"'
    async with signed_in(api, tenant.operator) as operator:
        assert resend not in await operator.get("/console/campaigns")
        assert resend not in await operator.get(f"/console/campaigns/{campaign}")
    async with signed_in(api, tenant.admin) as admin:
        assert resend in await admin.get("/console/campaigns")
        page = await admin.get(f"/console/campaigns/{campaign}")
        assert resend in page
        assert "Text sent" in page
        made = await admin.post(f"/console/campaigns/{campaign}/resend")
        again = await admin.post(f"/console/campaigns/{campaign}/resend")
        assert (
            made.headers["location"]
            == again.headers["location"]
            != (f"/console/campaigns/{campaign}")
        )
        new_page = await admin.get(made.headers["location"])
        assert "Autumn (resend)" in new_page
        assert f'href="/console/campaigns/{campaign}"' in new_page  # what it resends
        assert resend not in new_page  # it has not finished
        listed = await api.call(tenant.admin, "GET", "/v1/campaigns", expect=200)
        assert sum(c["name"].startswith("Autumn") for c in listed.json()["items"]) == 2


async def test_the_console_says_when_there_is_nobody_to_resend_to(api: Api, tenant: Tenant) -> None:
    blocked_only = {p: OUTCOMES[p] for p in ("701", "704")}
    campaign, _ = await finished_campaign(api, tenant, "Winter", blocked_only)
    async with signed_in(api, tenant.admin) as admin:
        back = await admin.post(f"/console/campaigns/{campaign}/resend")
        assert back.headers["location"] == f"/console/campaigns/{campaign}?resend=nobody"
        assert "Nobody to resend to" in await admin.get(back.headers["location"])
        assert "Nobody to resend to" not in await admin.get(f"/console/campaigns/{campaign}")
