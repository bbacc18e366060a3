"""The pre-flight's arithmetic, pure: the pace, the reply window, quiet hours by
zone, WhatsApp's days, the warnings, and limits of any size."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from campaign_api.domain.preflight import LONGEST, Plan, preflight
from contracts.audience import AudienceGroup
from contracts.content import TextContent
from contracts.quiet_hours import QuietHours
from contracts.scheduling import CampaignStep
from contracts.tenants import ConnectionLimits

START = datetime(2026, 12, 6, 22, 0, tzinfo=UTC)  # 07:00 in Tokyo, 17:00 in New York


def plan(channel: str = "telegram_bot", **fields: object) -> Plan:
    groups = [
        AudienceGroup(connection_id="c", timezone="Asia/Tokyo", matching=10, window_closed=2),
        AudienceGroup(connection_id="c", timezone="America/New_York", matching=5, window_closed=0),
        AudienceGroup(connection_id="c", timezone=None, matching=5, window_closed=5),
    ]
    defaults: dict[str, object] = {
        "connection_id": "c",
        "channel": channel,
        "limits": ConnectionLimits(),
        "first_used_at": START - timedelta(days=365),
        "matching": 20,
        "groups": groups,
        "start_at": START,
    }
    return Plan(**{**defaults, **fields})  # type: ignore[arg-type]


def test_a_bot_keeps_nobody_out_and_goes_at_its_rate() -> None:
    found = preflight(plan())
    assert "reply_window" not in found.kept_out
    assert found.will_send == 20
    assert found.seconds_apart == 1 / 30
    assert found.finish_at == START + timedelta(seconds=19 / 30)
    assert found.warnings == []


def test_the_window_keeps_out_who_did_not_write_and_the_gap_paces_the_rest() -> None:
    found = preflight(plan("instagram", interval_seconds=2.0))
    assert found.kept_out["reply_window"] == 7
    assert found.will_send == 13
    assert found.finish_at == START + timedelta(seconds=24)


def test_quiet_hours_hold_those_inside_them_in_their_own_zone() -> None:
    night = QuietHours(start="21:00", end="09:00")
    found = preflight(plan(quiet_hours=night, timezone="UTC"))
    # 22:00 UTC: the default zone's five and Tokyo's ten (07:00 there) wait
    assert found.quiet is not None
    assert found.quiet.count == 15
    assert found.quiet.until == datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # UTC's 09:00
    assert [w.code for w in found.warnings] == ["starts_in_quiet_hours"]


def test_whatsapp_spreads_over_its_days_and_warns_of_a_short_interval() -> None:
    steps = [
        CampaignStep(step_no=1, content=TextContent(text="a")),
        CampaignStep(step_no=2, delay_seconds=30 * 3600, content=TextContent(text="b")),
    ]
    limits = ConnectionLimits(daily_recipient_cap=5)
    found = preflight(plan("whatsapp", limits=limits, interval_seconds=5.0, steps=steps))
    assert found.will_send == 13
    assert found.seconds_apart == 15  # the minimum gap, not the interval
    assert found.finish_at >= datetime(2026, 12, 8, tzinfo=UTC) + timedelta(hours=30)
    assert "on 3 days" in found.summary
    codes = [w.code for w in found.warnings]
    assert codes == ["interval_below_min_gap", "step_after_reply_window"]


def test_the_monthly_limit_keeps_out_those_past_it() -> None:
    found = preflight(plan(monthly_remaining=12))
    assert found.kept_out["monthly_limit"] == 8
    assert found.will_send == 12


def test_a_gap_of_any_size_ends_at_the_longest() -> None:
    huge = ConnectionLimits(min_gap_seconds=1e308)
    assert preflight(plan(limits=huge)).finish_at == START + LONGEST
    assert preflight(plan(limits=huge)).seconds_apart == LONGEST.total_seconds()
    alone = preflight(plan(limits=huge, matching=1, groups=[]))
    assert alone.finish_at == START
