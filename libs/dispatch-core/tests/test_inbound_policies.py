"""Policies that read what people wrote lately: the freshest reply window, STOP;
and the backoff after rate-limit answers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from contracts.audience import Recipient
from contracts.dispatch import DispatchJob, OutboundText
from dispatch_core.graph_api import RateLimitBackoff
from dispatch_core.inbound import InboundLog
from dispatch_core.limits import DEFAULTS
from dispatch_core.model import ConnectionConfig, InboundContact
from dispatch_core.policies import OptedOut, ReplyWindow

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
ACCOUNT = ConnectionConfig(
    tenant_id="t",
    connection_id="ig",
    channel="instagram",
    limits=DEFAULTS["instagram"],
    first_used_at=None,
    updated_at=NOW,
)


class KnownContacts(InboundLog):
    """An inbound log read from memory instead of the database."""

    def __init__(self, contacts: dict[str, InboundContact]) -> None:
        self._contacts = contacts

    async def contact(
        self, connection: ConnectionConfig, external_id: str
    ) -> InboundContact | None:
        return self._contacts.get(external_id)


def job(external_id: str, last_inbound: datetime | None) -> DispatchJob:
    return DispatchJob(
        campaign_id=uuid.uuid4(),
        recipient_no=1,
        step_no=1,
        recipient=Recipient(
            recipient_no=1,
            contact_id=f"ig:{external_id}",
            external_id=external_id,
            last_inbound_at=last_inbound,
        ),
        content=OutboundText(text="hi"),
        released_at=NOW,
    )


async def test_the_window_counts_from_the_freshest_time_the_person_wrote() -> None:
    wrote_again = NOW - timedelta(hours=1)
    inbound = KnownContacts(
        {
            "again": InboundContact(last_inbound_at=wrote_again, opted_out_at=None),
            "older": InboundContact(last_inbound_at=NOW - timedelta(days=3), opted_out_at=None),
        }
    )
    window = ReplyWindow(inbound)
    snapshot = NOW - timedelta(hours=30)
    assert await window.check(job("again", snapshot), ACCOUNT, NOW) is None
    assert await window.check(job("again", None), ACCOUNT, NOW) is None
    older = await window.check(job("older", snapshot), ACCOUNT, NOW)
    assert older is not None
    assert f"last wrote {snapshot:%Y-%m-%d %H:%M} UTC" in older.reason
    unknown = await window.check(job("unknown", snapshot), ACCOUNT, NOW)
    assert unknown is not None
    assert unknown.rule == "policy.reply_window"


async def test_a_person_who_replied_stop_is_skipped() -> None:
    stopped_at = NOW - timedelta(minutes=5)
    inbound = KnownContacts(
        {
            "gone": InboundContact(last_inbound_at=stopped_at, opted_out_at=stopped_at),
            "here": InboundContact(last_inbound_at=stopped_at, opted_out_at=None),
        }
    )
    policy = OptedOut(inbound)
    skip = await policy.check(job("gone", NOW), ACCOUNT, NOW)
    assert skip is not None
    assert (skip.rule, skip.reason) == (
        "policy.opted_out",
        "the person replied STOP on 2026-11-23 11:55 UTC and opted out of all campaigns",
    )
    assert await policy.check(job("here", NOW), ACCOUNT, NOW) is None
    assert await policy.check(job("unknown", NOW), ACCOUNT, NOW) is None


def test_rate_limit_waits_grow_fourfold_up_to_the_longest_and_start_over() -> None:
    backoff = RateLimitBackoff(4.0, longest=100.0)
    assert [backoff.next_wait() for _ in range(5)] == [4.0, 16.0, 64.0, 100.0, 100.0]
    backoff.reset()
    assert backoff.next_wait() == 4.0
