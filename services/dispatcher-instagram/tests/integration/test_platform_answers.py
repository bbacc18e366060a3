"""What the Messaging API's answers lead to: rate limits back off and resend,
server errors are retried, 551 is not, and a bad token pauses the account."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Awaitable, Callable

import pytest
from platform_sim import SimControl

from ..conftest import RATE_LIMIT_FIRST_WAIT, Harness, igsid, job

pytestmark = pytest.mark.integration


async def test_rate_limits_back_off_then_resend(
    harness: Harness,
    instagram: SimControl,
    people_wrote_lately: Callable[[list[int]], Awaitable[None]],
) -> None:
    await people_wrote_lately([1, 2])
    await harness.connect(max_in_flight=1)  # one call at a time: the waits show in order
    await instagram.add_fault(kind="retry_after", account=harness.ig_id, times=1)
    await instagram.add_fault(kind="error", account=harness.ig_id, status=400, code=613, times=1)
    campaign = uuid.uuid4()
    await harness.send([job(campaign, 1), job(campaign, 2)])
    results = await harness.collect(2)
    assert {r.status for r in results.values()} == {"sent"}
    calls = await instagram.calls(account=harness.ig_id)
    assert [c["status"] for c in calls] == [429, 400, 200, 200]
    assert [c["response"]["error"]["code"] for c in calls[:2]] == [4, 613]
    waits = [b["at"] - a["at"] for a, b in itertools.pairwise(calls[:3])]
    assert waits[0] >= RATE_LIMIT_FIRST_WAIT * 0.95
    assert waits[1] >= 4 * RATE_LIMIT_FIRST_WAIT * 0.95


async def test_server_errors_are_retried_and_an_unavailable_person_is_not(
    harness: Harness,
    instagram: SimControl,
    people_wrote_lately: Callable[[list[int]], Awaitable[None]],
) -> None:
    await people_wrote_lately([1, 2])
    await instagram.set_recipient(igsid(2), "unavailable")
    await harness.connect()
    await instagram.add_fault(kind="server_error", account=harness.ig_id, recipient=igsid(1))
    campaign = uuid.uuid4()
    await harness.send([job(campaign, 1), job(campaign, 2)])
    results = await harness.collect(2)
    assert (results[1].status, results[1].attempts) == ("sent", 2)
    assert (results[2].status, results[2].error_code, results[2].attempts) == (
        "failed",
        "551/1545041",
        1,
    )
    calls = await instagram.calls(account=harness.ig_id)
    assert sorted(c["recipient"] for c in calls) == [igsid(1), igsid(1), igsid(2)]


async def test_a_rejected_token_pauses_the_account_and_says_so(
    harness: Harness,
    instagram: SimControl,
    people_wrote_lately: Callable[[list[int]], Awaitable[None]],
) -> None:
    await people_wrote_lately([1, 2])
    await instagram.set_account(harness.ig_id, "unauthorized")
    await harness.connect(max_in_flight=1)  # else each call already in flight meets the refusal
    campaign = uuid.uuid4()
    await harness.send([job(campaign, 1), job(campaign, 2)])
    results = await harness.collect(2)
    assert (results[1].status, results[1].error_code) == ("failed", "190/460")
    assert "update the connection's credentials" in (results[1].error_reason or "")
    assert "the connection is paused until" in (results[1].error_reason or "")
    assert (results[2].status, results[2].error_code) == ("failed", "connection.paused")
    assert len(await instagram.calls(account=harness.ig_id)) == 1
