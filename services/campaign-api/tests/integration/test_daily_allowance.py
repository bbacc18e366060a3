"""A WhatsApp number's daily allowance as the campaign-api shows it: the warm-up
clock (first_used_at) survives a PUT that does not name it, and estimates and dry
runs say how many go today and on how many days the rest go; a deferred delivery
shows as waiting, with until when."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest
from campaign_api.repo import deliveries as deliveries_repo
from contracts.audience import Recipient
from contracts.base import utc_now
from contracts.dispatch import DeliveryResult

from .audience_base import add_whatsapp, import_rows, stored
from .conftest import Api, Tenant

pytestmark = pytest.mark.integration

CREDENTIALS = {"access_token": "wa-token-rotated", "phone_number_id": "1234567890"}


async def put_whatsapp(api: Api, tenant: Tenant, **fields: object) -> dict[str, object]:
    response = await api.call(
        tenant.admin,
        "PUT",
        "/v1/connections/wa-main",
        json={"channel": "whatsapp", "credentials": CREDENTIALS, **fields},
    )
    assert response.status_code in (200, 201), response.text
    body: dict[str, object] = response.json()
    return body


def moment(value: object) -> datetime:
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


async def test_a_put_without_first_used_at_keeps_the_warm_up_clock(
    api: Api, tenant: Tenant
) -> None:
    before = utc_now()
    created = await put_whatsapp(api, tenant)
    assert moment(created["first_used_at"]) >= before - timedelta(seconds=5)  # new: now
    long_ago = "2020-03-01T00:00:00+00:00"
    changed = await put_whatsapp(api, tenant, first_used_at=long_ago)
    assert moment(changed["first_used_at"]) == moment(long_ago)
    rotated = await put_whatsapp(api, tenant, limits={"daily_recipient_cap": 150})
    assert moment(rotated["first_used_at"]) == moment(long_ago)  # not reset by a new token
    shown = await api.call(tenant.admin, "GET", "/v1/connections/wa-main", expect=200)
    assert moment(shown.json()["first_used_at"]) == moment(long_ago)


async def test_the_estimate_and_the_dry_run_say_on_which_days_the_audience_goes(
    api: Api, tenant: Tenant
) -> None:
    await add_whatsapp(api, tenant)
    await put_whatsapp(
        api, tenant, first_used_at="2020-03-01T00:00:00+00:00", limits={"daily_recipient_cap": 2}
    )
    rows = "external_id,connection_id\n" + "".join(f"{n},wa-main\n" for n in range(1, 6))
    await import_rows(api, tenant, rows.encode())
    await stored(api, tenant.id, 5)
    estimate = await api.call(
        tenant.admin,
        "POST",
        "/v1/audience/estimate",
        json={"audience": {"kind": "all"}},
        expect=200,
    )
    today = utc_now().date()
    (whatsapp,) = estimate.json()["sending_days"]  # tg-main has no daily allowance
    assert whatsapp["connection_id"] == "wa-main"
    assert (whatsapp["recipients"], whatsapp["on_first_day"], whatsapp["days"]) == (5, 2, 3)
    assert date.fromisoformat(whatsapp["last_day"]) in (
        today + timedelta(days=2),
        today + timedelta(days=3),  # midnight passed meanwhile
    )
    assert "the rest wait for the number's daily allowance" in whatsapp["note"]

    start = datetime(2098, 1, 1, 12, tzinfo=UTC)
    dry = await api.call(
        tenant.admin,
        "POST",
        "/v1/campaigns",
        params={"dry_run": "true"},
        json={
            "connection_id": "wa-main",
            "audience": {"kind": "all"},
            "content": {"kind": "whatsapp_template", "template_name": "hello", "language": "en"},
            "start_at": "2098-01-01 12:00:00",
        },
        expect=200,
    )
    (planned,) = dry.json()["planned"]
    days = planned["sending_days"]
    assert (days["first_day"], days["on_first_day"], days["days"]) == ("2098-01-01", 2, 3)
    assert days["last_day"] == (start + timedelta(days=2)).date().isoformat()


async def test_a_deferred_delivery_shows_as_waiting_until_it_is_sent(
    api: Api, tenant: Tenant
) -> None:
    await add_whatsapp(api, tenant)
    created = await api.call(
        tenant.admin,
        "POST",
        "/v1/campaigns",
        json={
            "connection_id": "wa-main",
            "audience": {"kind": "all"},
            "content": {"kind": "whatsapp_template", "template_name": "hello", "language": "en"},
            "start_at": "2098-01-01 12:00:00",
        },
        expect=201,
    )
    campaign = UUID(created.json()["campaign_id"])
    pool = api.app.state.runtime.pool
    people = [
        Recipient(recipient_no=n, contact_id=f"wa-main:{n}", external_id=str(n)) for n in (1, 2)
    ]
    await deliveries_repo.add_recipients(pool, campaign, people, 1)
    tomorrow = datetime(2098, 1, 2, tzinfo=UTC)
    reason = "at most 1 recipients per number per UTC day; waits for the number's next allowance"

    def deferred(n: int, until: datetime) -> DeliveryResult:
        return DeliveryResult(
            campaign_id=campaign,
            recipient_no=n,
            step_no=1,
            status="deferred",
            error_code="policy.daily_cap",
            error_reason=reason,
            finished_at=start_of(until) - timedelta(hours=1),
            retry_at=until,
        )

    sent = DeliveryResult(
        campaign_id=campaign, recipient_no=1, step_no=1, status="sent", finished_at=tomorrow
    )
    await deliveries_repo.record_results(pool, [deferred(1, tomorrow - timedelta(days=1))])
    await deliveries_repo.record_results(pool, [deferred(1, tomorrow), deferred(2, tomorrow)])
    shown = (await api.call(tenant.admin, "GET", f"/v1/campaigns/{campaign}", expect=200)).json()
    assert (shown["progress"]["waiting"], shown["progress"]["skipped"]) == (2, 0)
    assert moment(shown["waiting_until"]) == tomorrow  # waiting again moved it on
    assert "2 deliveries wait for the connection's daily allowance" in shown["waiting_note"]
    assert "2098-01-02 00:00 UTC" in shown["waiting_note"]
    page = await api.call(
        tenant.admin,
        "GET",
        f"/v1/campaigns/{campaign}/deliveries",
        params={"status": "waiting"},
        expect=200,
    )
    assert [(d["recipient_no"], moment(d["waiting_until"])) for d in page.json()["items"]] == [
        (1, tomorrow),
        (2, tomorrow),
    ]
    await deliveries_repo.record_results(pool, [sent])
    await deliveries_repo.record_results(pool, [deferred(1, tomorrow)])  # late: ignored
    shown = (await api.call(tenant.admin, "GET", f"/v1/campaigns/{campaign}", expect=200)).json()
    assert (shown["progress"]["waiting"], shown["progress"]["sent"]) == (1, 1)
    report = await api.call(tenant.admin, "GET", f"/v1/campaigns/{campaign}/report.csv")
    row = report.text.splitlines()[2]  # the error reason says until when
    assert f",waiting,policy.daily_cap,{reason},,,0,static," in row


def start_of(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)
