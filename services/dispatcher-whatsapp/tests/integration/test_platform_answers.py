"""What the Cloud API's answers lead to: rate limits wait and resend with a
growing backoff, transient errors are retried, permanent ones fail at once, and a
restricted number pauses its connection and says so."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Awaitable, Callable

import pytest
from platform_sim import SimControl

from ..conftest import NO_WARMUP, QUICK, RATE_LIMIT_FIRST_WAIT, Harness, job, phone

pytestmark = pytest.mark.integration


async def test_rate_limits_wait_longer_each_time_then_resend(
    harness: Harness,
    whatsapp: SimControl,
    people_wrote_lately: Callable[[list[int]], Awaitable[None]],
) -> None:
    await people_wrote_lately([1, 2])
    await harness.connect(**QUICK, **NO_WARMUP)
    await whatsapp.add_fault(kind="retry_after", account=harness.phone_number_id, times=2)
    await whatsapp.add_fault(
        kind="error", account=harness.phone_number_id, status=429, code=131056, times=1
    )
    campaign = uuid.uuid4()
    await harness.send([job(campaign, 1), job(campaign, 2)])
    results = await harness.collect(2)
    assert {r.status for r in results.values()} == {"sent"}
    calls = await whatsapp.calls(account=harness.phone_number_id)
    assert [c["status"] for c in calls] == [429, 429, 429, 200, 200]
    assert [c["response"]["error"]["code"] for c in calls[:3]] == [130429, 130429, 131056]
    waits = [b["at"] - a["at"] for a, b in itertools.pairwise(calls[:4])]
    first = RATE_LIMIT_FIRST_WAIT
    assert waits[0] >= first * 0.95
    assert waits[1] >= 4 * first * 0.95
    assert waits[2] >= 16 * first * 0.95


async def test_transient_errors_are_retried_and_permanent_ones_are_not(
    harness: Harness,
    whatsapp: SimControl,
    people_wrote_lately: Callable[[list[int]], Awaitable[None]],
) -> None:
    await people_wrote_lately([1, 2, 3, 4, 5, 6])
    await whatsapp.set_recipient(phone(3), "undeliverable")
    await whatsapp.set_recipient(phone(4), "opted_out")
    await harness.connect(max_attempts=2, **QUICK, **NO_WARMUP)
    account = harness.phone_number_id
    await whatsapp.add_fault(kind="server_error", account=account, recipient=phone(1), times=1)
    await whatsapp.add_fault(
        kind="error", account=account, recipient=phone(2), status=500, code=131000, times=5
    )
    await whatsapp.add_fault(kind="error", account=account, recipient=phone(5), code=131049)
    await whatsapp.add_fault(kind="error", account=account, recipient=phone(6), code=131047)
    campaign = uuid.uuid4()
    await harness.send([job(campaign, n) for n in range(1, 7)])
    results = await harness.collect(6)
    assert (results[1].status, results[1].attempts) == ("sent", 2)
    assert (results[2].status, results[2].error_code, results[2].attempts) == (
        "failed",
        "131000",
        2,
    )
    assert "gave up after 2 attempts" in (results[2].error_reason or "")
    expected = {3: "131026", 4: "131050", 5: "131049", 6: "131047"}
    for n, code in expected.items():
        assert (results[n].status, results[n].error_code, results[n].attempts) == (
            "failed",
            code,
            1,
        )
    assert "not resent" in (results[5].error_reason or "")
    calls = await whatsapp.calls(account=account)
    assert sorted(c["recipient"] for c in calls) == sorted(
        [phone(1), phone(1), phone(2), phone(2), *(phone(n) for n in expected)]
    )


async def test_a_restricted_number_pauses_its_connection_and_says_so(
    harness: Harness,
    whatsapp: SimControl,
    people_wrote_lately: Callable[[list[int]], Awaitable[None]],
) -> None:
    await people_wrote_lately([1, 2, 3])
    await harness.connect(**QUICK, **NO_WARMUP)
    await whatsapp.set_account(harness.phone_number_id, "spam_restricted")
    campaign = uuid.uuid4()
    await harness.send([job(campaign, n) for n in (1, 2, 3)])
    results = await harness.collect(3)
    first = results[1]
    assert (first.status, first.error_code) == ("failed", "131048")
    assert "the number is restricted for spam" in (first.error_reason or "")
    assert "the connection is paused until" in (first.error_reason or "")
    for n in (2, 3):
        assert (results[n].status, results[n].error_code) == ("failed", "connection.paused")
        assert "restricted for spam" in (results[n].error_reason or "")
    assert len(await whatsapp.calls(account=harness.phone_number_id)) == 1
