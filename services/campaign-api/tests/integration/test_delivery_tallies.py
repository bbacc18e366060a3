"""A campaign's counters, failures by reason and compositions are read from the
tallies that triggers on `deliveries` keep (migration 012); whatever the writes
were — recipients added twice, outcomes before their recipient, a deferral and
then the send, a late report of lower rank, many reports at once — they answer
what counting the deliveries themselves answers."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
from campaign_api.repo import campaigns as campaigns_repo
from campaign_api.repo import deliveries as deliveries_repo
from contracts.audience import Recipient
from contracts.base import utc_now
from contracts.dispatch import DeliveryResult

from .conftest import Api, Tenant, scheduled_campaign
from .test_usecases import services

pytestmark = pytest.mark.integration

LONG_REASON = "Bad Request: " + "x" * 400


def people(first: int, last: int) -> list[Recipient]:
    return [
        Recipient(recipient_no=n, contact_id=f"tg-main:{n}", external_id=str(n), name=f"P{n}")
        for n in range(first, last + 1)
    ]


def result(campaign: UUID, n: int, status: str, **fields: Any) -> DeliveryResult:
    return DeliveryResult(
        campaign_id=campaign,
        recipient_no=n,
        step_no=1,
        status=status,
        finished_at=utc_now(),
        **fields,
    )


async def counted(api: Api, campaign: UUID) -> dict[str, Any]:
    """What counting the campaign's deliveries answers, as the tallies' readers shape it."""
    pool = services(api).pool
    rows = await pool.fetch(
        "SELECT status, error_code, error_reason, composition, fallback_reason "
        "FROM deliveries WHERE campaign_id = $1",
        campaign,
    )
    failing = ("failed", "skipped", "unknown")
    return {
        "counters": Counter(r["status"] for r in rows),
        "reasons": Counter(
            (r["status"], r["error_code"], r["error_reason"] and r["error_reason"][:300])
            for r in rows
            if r["status"] in failing
        ),
        "compositions": Counter(
            (r["composition"], r["fallback_reason"]) for r in rows if r["composition"]
        ),
    }


async def tallied(api: Api, tenant: Tenant, campaign: UUID) -> dict[str, Any]:
    pool = services(api).pool
    record = await campaigns_repo.get_campaign(pool, tenant.id, campaign)
    assert record is not None
    reasons = await campaigns_repo.failure_reasons(pool, campaign)
    compositions = await campaigns_repo.compositions(pool, campaign)
    return {
        "counters": Counter({k: v for k, v in vars(record.counters).items() if v}),
        "reasons": Counter({(r.status, r.error_code, r.error_reason): r.count for r in reasons}),
        "compositions": Counter({(c, reason): n for c, reason, n in compositions}),
    }


async def test_tallies_answer_what_counting_the_deliveries_answers(
    api: Api, tenant: Tenant
) -> None:
    campaign = await scheduled_campaign(api, tenant, ["1", "2"])
    pool = services(api).pool
    later = utc_now() + timedelta(hours=3)
    # an outcome that comes before its recipient's row
    await deliveries_repo.record_results(pool, [result(campaign, 9, "sent")])
    await deliveries_repo.add_recipients(pool, campaign, people(1, 9), steps=1)
    await deliveries_repo.add_recipients(pool, campaign, people(1, 9), steps=1)
    await deliveries_repo.record_results(
        pool,
        [
            result(campaign, 1, "sent", attempts=1),
            result(campaign, 2, "failed", error_code="403", error_reason="Forbidden: blocked"),
            result(campaign, 3, "failed", error_code="400", error_reason=LONG_REASON),
            result(campaign, 4, "skipped", error_code="policy.opted_out", error_reason="STOP"),
            result(campaign, 5, "unknown", error_code="dispatch.interrupted"),
            result(campaign, 6, "deferred", error_code="policy.daily_cap", retry_at=later),
            result(campaign, 7, "sent", composition="ai_fallback", fallback_reason="timeout"),
        ],
    )
    await deliveries_repo.record_results(
        pool,
        [
            result(campaign, 6, "sent", composition="ai"),  # the deferred one, sent later
            result(campaign, 1, "cancelled"),  # lower rank than sent: ignored
            result(campaign, 8, "cancelled", error_code="campaign.cancelled"),
        ],
    )
    expected = await counted(api, campaign)
    assert expected["counters"] == Counter(sent=4, failed=2, skipped=1, unknown=1, cancelled=1), (
        "the writes did not leave the deliveries this test means"
    )
    assert await tallied(api, tenant, campaign) == expected


async def test_reports_at_once_leave_right_tallies(api: Api, tenant: Tenant) -> None:
    campaign = await scheduled_campaign(api, tenant, ["1", "2"])
    pool = services(api).pool
    await deliveries_repo.add_recipients(pool, campaign, people(1, 400), steps=1)
    outcomes = ["sent", "failed", "skipped", "sent"]
    batches = [
        [
            result(campaign, n, outcomes[n % 4], error_code=str(n % 3))
            for n in range(first, first + 20)
        ]
        for first in range(1, 401, 20)
    ]
    await asyncio.gather(*(deliveries_repo.record_results(pool, batch) for batch in batches))
    expected = await counted(api, campaign)
    assert expected["counters"] == Counter(sent=200, failed=100, skipped=100)
    assert await tallied(api, tenant, campaign) == expected


async def test_the_tally_key_is_inlined_not_called_per_row(api: Api) -> None:
    """The triggers' statements compute each row's key in place (migration 018): a
    function called once per row would show as a Function Scan."""
    plan = await services(api).pool.fetchval(
        "EXPLAIN (FORMAT TEXT) SELECT k.* "
        "FROM (VALUES ('failed', 'e', 'r', NULL, NULL)) AS d (s, c, r, m, f) "
        "CROSS JOIN LATERAL delivery_tally_key(d.s, d.c, d.r, d.m, d.f) AS k"
    )
    assert "Function Scan" not in plan, plan
