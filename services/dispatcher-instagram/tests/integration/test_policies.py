"""Only people who wrote within 24 hours, never an attempt outside the window
(the simulator counts each as a violation), and nothing after a STOP."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from contracts.base import utc_now
from platform_sim import SimControl
from test_support.dead_letters import (
    assert_dead_lettered_once,
    bad_inbound_values,
    inbound_dead_lettered,
)

from ..conftest import TENANT, Harness, igsid, job

pytestmark = pytest.mark.integration


async def test_people_outside_the_window_are_skipped_and_never_attempted(
    harness: Harness,
    instagram: SimControl,
    people_wrote_lately: Callable[[list[int]], Awaitable[None]],
) -> None:
    await people_wrote_lately([1])
    await instagram.set_recipient(igsid(2), "ok", (utc_now() - timedelta(hours=30)).timestamp())
    await harness.connect()
    campaign = uuid.uuid4()
    await harness.send(
        [
            job(campaign, 1),
            job(campaign, 2, wrote_hours_ago=30),
            job(campaign, 3, wrote_hours_ago=None),
        ]
    )
    results = await harness.collect(3)
    assert results[1].status == "sent"
    for n in (2, 3):
        assert (results[n].status, results[n].error_code) == ("skipped", "policy.reply_window")
    assert "over 24 hours ago" in (results[2].error_reason or "")
    assert "never wrote" in (results[3].error_reason or "")
    assert [c["recipient"] for c in await instagram.calls(account=harness.ig_id)] == [igsid(1)]
    stats = await instagram.stats()
    assert stats["accounts"][harness.ig_id]["policy_violations"] == 0


async def test_a_newer_inbound_message_reopens_the_window(
    harness: Harness, instagram: SimControl
) -> None:
    await harness.connect()
    wrote_again = utc_now() - timedelta(minutes=5)
    await instagram.set_recipient(igsid(1), "ok", wrote_again.timestamp())
    await harness.person_wrote(1, "are you open today?", wrote_again)
    campaign = uuid.uuid4()
    # the snapshot was taken before they wrote again
    await harness.send([job(campaign, 1, wrote_hours_ago=30), job(campaign, 2, wrote_hours_ago=30)])
    results = await harness.collect(2)
    assert results[1].status == "sent"
    assert (results[2].status, results[2].error_code) == ("skipped", "policy.reply_window")
    stats = await instagram.stats()
    assert stats["accounts"][harness.ig_id]["policy_violations"] == 0


async def test_a_stop_reply_stops_campaigns_already_running(
    harness: Harness,
    instagram: SimControl,
    people_wrote_lately: Callable[[list[int]], Awaitable[None]],
) -> None:
    await people_wrote_lately([1, 2])
    await harness.connect()
    await harness.person_wrote(1, "STOP", utc_now())
    campaign = uuid.uuid4()
    await harness.send([job(campaign, 1), job(campaign, 2)])
    results = await harness.collect(2)
    assert (results[1].status, results[1].error_code) == ("skipped", "policy.opted_out")
    assert results[2].status == "sent"
    assert [c["recipient"] for c in await instagram.calls(account=harness.ig_id)] == [igsid(2)]


@pytest.mark.parametrize(("external_id", "received_at", "why"), bad_inbound_values(igsid(1)))
async def test_an_inbound_message_with_a_bad_value_is_dead_lettered_once_with_the_reason(
    harness: Harness, external_id: str, received_at: str, why: str
) -> None:
    await harness.connect()
    dead = await inbound_dead_lettered(
        harness.channel, "instagram", TENANT, harness.connection_id, external_id, received_at
    )
    assert_dead_lettered_once(dead, why)
    await harness.person_wrote(2, "hello", utc_now() - timedelta(minutes=1))
