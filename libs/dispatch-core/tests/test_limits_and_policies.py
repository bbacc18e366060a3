from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from contracts.audience import Recipient
from contracts.dispatch import DispatchJob, OutboundText
from contracts.tenants import ConnectionLimits
from dispatch_core.limits import DEFAULTS, resolve_limits
from dispatch_core.model import ConnectionConfig
from dispatch_core.policies import ReplyWindow

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_connection_settings_override_channel_defaults() -> None:
    limits = resolve_limits(
        "telegram_bot", ConnectionLimits(rate_per_second=1000, max_in_flight=32)
    )
    assert limits.rate_per_second == 1000
    assert limits.max_in_flight == 32
    assert (
        limits.per_recipient_interval_seconds
        == DEFAULTS["telegram_bot"].per_recipient_interval_seconds
    )


def test_whatsapp_defaults_are_the_products_anti_ban_rules() -> None:
    limits = DEFAULTS["whatsapp"]
    assert limits.daily_recipient_cap == 200
    assert limits.warmup_days == 10
    assert limits.min_gap_seconds == 15
    assert limits.reply_window_hours == 24


def job(last_inbound: datetime | None) -> DispatchJob:
    return DispatchJob(
        campaign_id=uuid.uuid4(),
        recipient_no=1,
        step_no=1,
        recipient=Recipient(
            recipient_no=1, contact_id="ig:1", external_id="1", last_inbound_at=last_inbound
        ),
        content=OutboundText(text="hi"),
        released_at=NOW,
    )


def connection(channel: str) -> ConnectionConfig:
    return ConnectionConfig(
        tenant_id="t",
        connection_id="c",
        channel=channel,  # type: ignore[arg-type]
        limits=DEFAULTS[channel],
        first_used_at=None,
        updated_at=NOW,
    )


async def test_reply_window_skips_people_who_did_not_write_lately() -> None:
    policy = ReplyWindow()
    ig = connection("instagram")
    assert await policy.check(job(NOW - timedelta(hours=2)), ig, NOW) is None
    old = await policy.check(job(NOW - timedelta(hours=25)), ig, NOW)
    assert old is not None
    assert old.rule == "policy.reply_window"
    assert "24-hour" in old.reason
    never = await policy.check(job(None), ig, NOW)
    assert never is not None
    assert "never wrote" in never.reason


async def test_reply_window_does_not_apply_to_bots() -> None:
    assert await ReplyWindow().check(job(None), connection("telegram_bot"), NOW) is None
