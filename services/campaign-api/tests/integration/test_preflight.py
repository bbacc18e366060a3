"""The pre-flight of the estimate and the dry run: per connection, what each rule
keeps out, how long it takes and when it ends, and the warnings; quiet hours
counted by the recipients' own time zones, from the audience-resolver's one scan.

Quiet hours are set around the hour the test runs in, in UTC, so the same
recipients are inside them whatever the hour (Tokyo and New York never are)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from contracts.base import utc_now

from .audience_base import add_whatsapp, import_rows, stored
from .conftest import Api, Tenant
from .console_browser import signed_in
from .test_daily_allowance import put_whatsapp

pytestmark = pytest.mark.integration


def _hour(offset: int) -> datetime:
    return utc_now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=offset)


@pytest.fixture
async def audience(api: Api, tenant: Tenant) -> Tenant:
    """On wa-main (two a day): Tokyo wrote lately, New York long ago, two without a
    zone (one never wrote), one with a zone that is none; on tg-main two more."""
    await add_whatsapp(api, tenant)
    await put_whatsapp(
        api, tenant, first_used_at="2020-03-01T00:00:00+00:00", limits={"daily_recipient_cap": 2}
    )
    recent = (utc_now() - timedelta(hours=1)).isoformat()
    old = (utc_now() - timedelta(days=5)).isoformat()
    rows = (
        "external_id,connection_id,last_inbound_at,timezone\n"
        f"1,wa-main,{recent},Asia/Tokyo\n"
        f"2,wa-main,{old},America/New_York\n"
        f"3,wa-main,{recent},\n"
        "4,wa-main,,\n"
        f"5,wa-main,{recent},Mars/Olympus_Mons\n"
        f"6,tg-main,{recent},Asia/Tokyo\n"
        "7,tg-main,,\n"
    )
    await import_rows(api, tenant, rows.encode())
    await stored(api, tenant.id, 7)
    quiet = {"start": _hour(-1).strftime("%H:%M"), "end": _hour(3).strftime("%H:%M")}
    await api.call(tenant.admin, "PATCH", "/v1/settings", json={"quiet_hours": quiet}, expect=200)
    return tenant


def _by_connection(checks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {check["connection_id"]: check for check in checks}


def _codes(check: dict[str, Any]) -> set[str]:
    return {w["code"] for w in check["warnings"]}


async def test_the_estimate_says_who_is_kept_out_who_waits_and_until_when(
    api: Api, audience: Tenant
) -> None:
    answer = await api.call(
        audience.operator, "POST", "/v1/audience/estimate", json={"audience": {"kind": "all"}}
    )
    checks = _by_connection(answer.json()["preflight"])
    whatsapp, telegram = checks["wa-main"], checks["tg-main"]
    assert whatsapp["matching"] == 5
    # New York wrote five days ago, number 4 never: the 24-hour window is closed
    kept = {"reply_window": 2, "opted_out": 0, "unknown": 0, "monthly_limit": 0}
    assert whatsapp["kept_out"] == kept
    assert whatsapp["will_send"] == 3
    assert "reply_window" not in telegram["kept_out"]  # a bot may message anyone
    assert telegram["will_send"] == 2
    # UTC's quiet hours hold those without a zone or with a bogus one (3, 4, 5 and 7)
    assert whatsapp["quiet"] == {"count": 3, "until": _hour(3).isoformat().replace("+00:00", "Z")}
    assert telegram["quiet"]["count"] == 1
    assert "starts_in_quiet_hours" in _codes(whatsapp)
    # two a day: three go over two UTC days, the last from tomorrow's allowance
    finish = datetime.fromisoformat(whatsapp["finish_at"].replace("Z", "+00:00"))
    assert finish >= _hour(3)
    assert "on wa-main" in whatsapp["summary"]
    assert "done around" in whatsapp["summary"]


async def test_the_dry_run_warns_of_a_short_interval_and_a_step_past_the_window(
    api: Api, audience: Tenant
) -> None:
    steps = [
        {"content": {"kind": "text", "text": "Hi"}},
        {"delay": "2d", "content": {"kind": "text", "text": "Again"}},
    ]
    template = {"name": "twice", "steps": steps}
    await api.call(audience.admin, "POST", "/v1/templates", json=template, expect=201)
    body = {
        "connection_id": "wa-main",
        "audience": {"kind": "all"},
        "content": {"kind": "template", "template": "twice"},
        "interval_seconds": 5,
        "quiet_hours": None,
    }
    dry = await api.call(
        audience.admin, "POST", "/v1/campaigns", params={"dry_run": "true"}, json=body
    )
    assert dry.status_code == 200, dry.text
    (planned,) = dry.json()["planned"]
    check = planned["preflight"]
    assert check["seconds_apart"] == 15  # WhatsApp's minimum gap, not the interval
    assert check["quiet"] is None  # this campaign has none, whatever the tenant's
    assert _codes(check) == {"interval_below_min_gap", "step_after_reply_window"}
    assert check["duration_seconds"] >= 2 * 86400  # the second step goes two days on


async def test_the_wizard_shows_the_preflight_and_keeps_a_campaigns_own_quiet_hours(
    api: Api, audience: Tenant
) -> None:
    form = {
        "audience_kind": "all",
        "connection_id": "wa-main",
        "content_kind": "text",
        "text": "Hi {name}",
        "interval_seconds": "5",
        "start_mode": "now",
    }
    async with signed_in(api, audience.admin) as admin:
        estimate = await admin.post("/console/campaigns/new/estimate", expect=200, **form)
        assert 'data-preflight="wa-main"' in estimate.text
        review = await admin.post("/console/campaigns/new/review", expect=200, **form)
        assert "data-preflight-duration" in review.text
        assert 'data-preflight-warning="interval_below_min_gap"' in review.text
        assert 'data-preflight-warning="starts_in_quiet_hours"' in review.text
        # the campaign's own choice: none
        quiet_none = await admin.post(
            "/console/campaigns/new/review", expect=200, quiet_mode="none", **form
        )
        assert "starts_in_quiet_hours" not in quiet_none.text


async def test_the_settings_page_shows_and_saves_the_settings(api: Api, tenant: Tenant) -> None:
    async with signed_in(api, tenant.admin) as admin:
        page = await admin.get("/console/settings")
        assert 'href="/console/settings"' in page  # the menu links it
        saved = await admin.post(
            "/console/settings",
            quiet_enabled="1",
            quiet_start="22:00",
            quiet_end="07:30",
            timezone="Europe/Berlin",
            failure_percent="25",
            window="100",
        )
        assert saved.headers["location"] == "/console/settings"
        refused = await admin.post("/console/settings", expect=422, timezone="Mars/Olympus_Mons")
        assert "timezone: unknown time zone" in refused.text
    shown = await api.call(tenant.operator, "GET", "/v1/settings", expect=200)
    assert shown.json() == {
        "quiet_hours": {"start": "22:00", "end": "07:30"},
        "timezone": "Europe/Berlin",
        "auto_pause": {"failure_ratio": 0.25, "window": 100},
    }
    async with signed_in(api, tenant.operator) as operator:
        page = await operator.get("/console/settings")
        assert "An administrator changes them." in page
        assert 'value="Europe/Berlin"' in page
