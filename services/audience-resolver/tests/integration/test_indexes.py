"""Filters are answered from a tenant's own index entries: each condition of the
statements that count and snapshot an audience can use its index (with the
statement planned for its real values, as the resolver's sessions do)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from audience_resolver.domain import Conditions, conditions_of, search_pattern
from audience_resolver.repo.dialogs import SELECT_DIALOGS_PAGE
from audience_resolver.repo.estimates import COUNT_MATCHING
from audience_resolver.repo.selections import condition_arguments
from audience_resolver.repo.snapshots import INSERT_MATCHING_RECIPIENTS
from contracts.audience import ContactRecord, FilterAudience

from ..conftest import Resolver

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC)


def _population(size: int) -> list[ContactRecord]:
    rows = []
    for n in range(size):
        whatsapp = n % 20 == 0
        rows.append(
            ContactRecord(
                connection_id="wa-main" if whatsapp else "tg-main",
                channel="whatsapp" if whatsapp else "telegram",
                external_id=str(n),
                labels=["customer"] + (["vip"] if n % 50 == 0 else []),
                functions_executed=["quiz"] if n % 40 == 0 else [],
                last_inbound_at=NOW - timedelta(days=n % 90),
            )
        )
    return rows


@pytest.fixture(scope="module")
async def big_tenant(resolver: Resolver) -> str:
    """A tenant of 3000 dialogs beside the other tests' small ones, with fresh
    statistics (the import's last batch says how many it carried)."""
    tenant_id = f"indexes-{uuid.uuid4().hex[:8]}"
    rows = _population(3000)
    await resolver.import_contacts(tenant_id, rows[:1500])
    await resolver.import_contacts(tenant_id, rows[1500:], total_contacts=3000)
    return tenant_id


def _index_conditions(plan: Any) -> dict[str, str]:
    """Index name -> its condition, for every index the plan scans."""
    found: dict[str, str] = {}
    if isinstance(plan, dict):
        if "Index Name" in plan:
            found[plan["Index Name"]] = plan.get("Index Cond", "")
        for value in plan.values():
            found |= _index_conditions(value)
    elif isinstance(plan, list):
        for item in plan:
            found |= _index_conditions(item)
    return found


async def _indexes_used(
    resolver: Resolver, statement: str, *arguments: Any, bitmaps: bool = True
) -> dict[str, str]:
    """The indexes of the plan PostgreSQL makes for `statement` when it must not
    read the whole table (the test tenant is too small for that to be its choice);
    with `bitmaps`, from bitmap scans only, so any index can join."""
    async with resolver.runtime.pool.acquire() as conn, conn.transaction():
        await conn.execute("SET LOCAL enable_seqscan = off")
        if bitmaps:
            await conn.execute("SET LOCAL enable_indexscan = off")
        plan = await conn.fetchval(f"EXPLAIN (FORMAT JSON) {statement}", *arguments)
    return _index_conditions(json.loads(plan) if isinstance(plan, str) else plan)


@pytest.mark.parametrize(
    ("audience", "index"),
    [
        (FilterAudience(labels_any=["vip"]), "contacts_labels"),
        (FilterAudience(labels_all=["vip", "customer"]), "contacts_labels"),
        (FilterAudience(functions_executed=["quiz"]), "contacts_functions"),
        (FilterAudience(channels=["whatsapp"]), "contacts_channels"),
        (FilterAudience(last_inbound_within="2d"), "contacts_last_inbound"),
    ],
    ids=["labels any", "labels all", "functions", "channel", "last inbound"],
)
async def test_each_condition_can_use_its_tenant_scoped_index(
    resolver: Resolver, big_tenant: str, audience: FilterAudience, index: str
) -> None:
    arguments = condition_arguments(conditions_of(audience, now=NOW))
    counted = await _indexes_used(resolver, COUNT_MATCHING, *arguments, big_tenant, None)
    assert "tenant_id" in counted[index]  # the tenant's own entries only
    snapshot = await _indexes_used(
        resolver, INSERT_MATCHING_RECIPIENTS, *arguments, big_tenant, "tg-main", uuid.uuid4()
    )
    assert "tenant_id" in snapshot[index]


def _dialogs_page(tenant_id: str, q: str | None) -> tuple[Any, ...]:
    """The arguments of `select_dialogs_page.sql` for a first page of 50."""
    return (*condition_arguments(Conditions()), tenant_id, search_pattern(q), None, None, 51)


async def test_the_dialog_list_reads_the_tenants_newest_dialogs_from_its_index(
    resolver: Resolver, big_tenant: str
) -> None:
    used = await _indexes_used(
        resolver, SELECT_DIALOGS_PAGE, *_dialogs_page(big_tenant, None), bitmaps=False
    )
    assert list(used) == ["contacts_listing"]
    assert "tenant_id" in used["contacts_listing"]


async def test_a_dialog_search_can_use_the_tenants_trigram_indexes(
    resolver: Resolver, big_tenant: str
) -> None:
    used = await _indexes_used(resolver, SELECT_DIALOGS_PAGE, *_dialogs_page(big_tenant, "2999"))
    for index in ("contacts_search_name", "contacts_search_external_id"):
        assert "tenant_id" in used[index]
        assert "~~*" in used[index]
