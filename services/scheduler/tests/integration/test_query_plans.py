"""The batch queries touch what their batch holds, not the whole campaign, even
while the statistics still describe the campaign as it was before it sent
(docs/decisions/scheduler-queries.md)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import asyncpg
import pytest
from scheduler.app import MIGRATIONS
from scheduler.repo.figures import DUE_COUNTED_UP_TO, SELECT_GAUGES
from scheduler.repo.recipients import APPLY_RESULTS, CLAIM_DUE_RECIPIENTS
from service_kit.database import create_pool
from service_kit.migrations import migrate

RECIPIENTS = 5_000
RELEASED = 3_000
EARLIER = 50_000
"""Recipients of campaigns that finished before: the table holds more than one."""


@pytest.fixture
async def sending(database_url: str) -> AsyncIterator[tuple[asyncpg.Pool[Any], uuid.UUID]]:
    """A campaign analyzed while every recipient waited, then three in five released,
    beside an earlier campaign's recipients."""
    pool = await create_pool(database_url, "scheduler", application_name="plans")
    await migrate(pool, "scheduler", MIGRATIONS)
    campaign_id = uuid.uuid4()
    for campaign, count, state in (
        (uuid.uuid4(), EARLIER, "done"),
        (campaign_id, RECIPIENTS, "waiting"),
    ):
        await pool.execute(
            "INSERT INTO recipients (campaign_id, recipient_no, recipient, due_at, state)"
            " SELECT $1, n, '{}'::jsonb, now() - interval '1 minute', $3"
            " FROM generate_series(0, $2 - 1) n",
            campaign,
            count,
            state,
        )
    await pool.execute("ANALYZE recipients")
    await pool.execute(
        "UPDATE recipients SET state = 'released' WHERE campaign_id = $1 AND recipient_no < $2",
        campaign_id,
        RELEASED,
    )
    yield pool, campaign_id
    await pool.close()


def scans_of_updated_rows(plan: dict[str, Any]) -> Iterator[str]:
    """The node types that read `recipients r`, the rows an UPDATE writes."""
    reads = plan["Node Type"] != "ModifyTable"
    if reads and plan.get("Relation Name") == "recipients" and plan.get("Alias") == "r":
        yield plan["Node Type"]
    for child in plan.get("Plans", []):
        yield from scans_of_updated_rows(child)


async def plan_of(pool: asyncpg.Pool[Any], query: str, *args: object) -> list[str]:
    """(The pool decodes json: see `service_kit.database.create_pool`.)"""
    explained = await pool.fetchval(f"EXPLAIN (FORMAT JSON) {query}", *args)
    return list(scans_of_updated_rows(explained[0]["Plan"]))


async def test_outcomes_reach_each_released_row_by_its_ctid(
    sending: tuple[asyncpg.Pool[Any], uuid.UUID],
) -> None:
    pool, campaign_id = sending
    results = range(0, RELEASED, 30)  # a report of 100
    scans = await plan_of(
        pool,
        APPLY_RESULTS,
        campaign_id,
        list(results),
        [1] * len(results),
        ["sent"] * len(results),
        [None] * len(results),
        1,
        [0.0],
        True,
        [None],
    )
    assert scans == ["Tid Scan"]


async def test_a_release_reaches_each_due_row_by_its_ctid(
    sending: tuple[asyncpg.Pool[Any], uuid.UUID],
) -> None:
    pool, campaign_id = sending
    assert await plan_of(pool, CLAIM_DUE_RECIPIENTS, campaign_id, 2_000) == ["Tid Scan"]


@pytest.fixture
async def unknown_to_statistics(
    database_url: str,
) -> AsyncIterator[tuple[asyncpg.Pool[Any], uuid.UUID]]:
    """A campaign of a table never analyzed (as a new one is until autovacuum
    comes, if it is on)."""
    pool = await create_pool(database_url, "scheduler", application_name="plans")
    await migrate(pool, "scheduler", MIGRATIONS)
    campaign_id = uuid.uuid4()
    insert = (
        "INSERT INTO recipients (campaign_id, recipient_no, recipient, due_at, state)"
        " SELECT $1, n, '{}'::jsonb, now() - interval '1 minute', $3"
        " FROM generate_series(1, $2) n"
    )
    await pool.execute(insert, campaign_id, 4 * RECIPIENTS, "waiting")
    yield pool, campaign_id
    await pool.close()


def node_types(plan: dict[str, Any]) -> Iterator[tuple[str, str | None]]:
    """Every node of the plan: its type and the index it reads, if any."""
    yield plan["Node Type"], plan.get("Index Name")
    for child in plan.get("Plans", []):
        yield from node_types(child)


async def test_a_release_takes_its_due_rows_off_the_index_in_order_whatever_the_statistics(
    unknown_to_statistics: tuple[asyncpg.Pool[Any], uuid.UUID],
) -> None:
    pool, campaign_id = unknown_to_statistics
    explained = await pool.fetchval(
        f"EXPLAIN (FORMAT JSON) {CLAIM_DUE_RECIPIENTS}", campaign_id, 2_000
    )
    nodes = list(node_types(explained[0]["Plan"]))
    assert ("Index Scan", "recipients_waiting") in nodes
    assert not [node for node in nodes if "Sort" in node[0]], nodes


def reads_of_recipients(plan: dict[str, Any]) -> Iterator[str]:
    """The node types that read the recipients table, anywhere in the plan."""
    if plan.get("Relation Name") == "recipients":
        yield plan["Node Type"]
    for child in plan.get("Plans", []):
        yield from reads_of_recipients(child)


async def test_the_gauges_read_recipients_by_the_waiting_index_never_a_scan(
    sending: tuple[asyncpg.Pool[Any], uuid.UUID],
) -> None:
    pool, campaign_id = sending
    await pool.execute(
        "INSERT INTO campaigns (id, tenant_id, connection_id, channel, name, audience, steps,"
        " step_count, step_delays, interval_seconds, start_at, counts_toward_quota, status,"
        " started_at, recipients_loaded, outstanding)"
        " VALUES ($1, 't', 'c', 'telegram_bot', 'n', '{}', '[]', 1, '{0}', 0, now(), false,"
        " 'running', now(), $2, $3)",
        campaign_id,
        RECIPIENTS,
        RELEASED,
    )
    explained = await pool.fetchval(
        f"EXPLAIN (FORMAT JSON) {SELECT_GAUGES}", 300.0, DUE_COUNTED_UP_TO
    )
    reads = list(reads_of_recipients(explained[0]["Plan"]))
    assert len(reads) == 4  # the first and last due, the due and the not due counted
    assert set(reads) <= {"Index Only Scan", "Index Scan", "Bitmap Heap Scan"}, reads
