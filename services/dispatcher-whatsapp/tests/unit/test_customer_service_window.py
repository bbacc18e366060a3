"""WhatsApp's window rule: templates may go to anyone."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from contracts.audience import Recipient
from contracts.dispatch import DispatchJob, OutboundContent, OutboundTemplate, OutboundText
from dispatch_core.limits import DEFAULTS
from dispatch_core.model import ConnectionConfig
from dispatch_core.policies import ReplyWindow
from dispatcher_whatsapp.policies import CustomerServiceWindow

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
NUMBER = ConnectionConfig(
    tenant_id="t",
    connection_id="wa",
    channel="whatsapp",
    limits=DEFAULTS["whatsapp"],
    first_used_at=None,
    updated_at=NOW,
)


def job(content: OutboundContent, last_inbound: datetime | None) -> DispatchJob:
    return DispatchJob(
        campaign_id=uuid.uuid4(),
        recipient_no=1,
        step_no=1,
        recipient=Recipient(
            recipient_no=1, contact_id="wa:1", external_id="1", last_inbound_at=last_inbound
        ),
        content=content,
        released_at=NOW,
    )


async def test_outside_the_window_only_templates_pass() -> None:
    window = CustomerServiceWindow(ReplyWindow())
    long_ago = NOW - timedelta(hours=25)
    template = OutboundTemplate(template_name="offer", language="en_US")
    assert await window.check(job(template, long_ago), NUMBER, NOW) is None
    assert await window.check(job(template, None), NUMBER, NOW) is None
    skip = await window.check(job(OutboundText(text="hi"), long_ago), NUMBER, NOW)
    assert skip is not None
    assert skip.rule == "policy.reply_window"
    assert skip.reason.endswith("outside it WhatsApp allows only approved templates")
    recent = NOW - timedelta(hours=23)
    assert await window.check(job(OutboundText(text="hi"), recent), NUMBER, NOW) is None
