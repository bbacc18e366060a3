"""Pre-flight benchmark (not a test): the audience-resolver's estimate query
before the pre-flight (`count_matching.sql`) and after it (`preflight_matching.sql`:
the same one scan, grouped by connection and `timezone` attribute, with those
whose reply window is closed counted by FILTER), on a tenant with 1,000,000
contacts, then campaign-api's pre-flight arithmetic on the answer.

    .venv/bin/python bench/preflight/run.py [--contacts 1000000] [--keep]

The contacts are written straight into the resolver's table (common.seed_contacts:
INSERT ... SELECT generate_series, in the shape the import stores them) in a fresh database beside
the one DATABASE_URL names, then VACUUMed and ANALYZEd (as autovacuum leaves a table
after a bulk insert).
Reported: the p50 of each query for three audiences, with PASS/FAIL against the
issue's 300 ms for the whole answer, and the arithmetic's time.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
from audience_resolver.app import MIGRATIONS_DIR
from audience_resolver.domain import conditions_of
from audience_resolver.repo.estimates import COUNT_MATCHING, PREFLIGHT_MATCHING, _groups
from audience_resolver.repo.selections import condition_arguments
from campaign_api.usecases.preflight import Sending, plans_of
from contracts.audience import AllAudience, AudienceEstimateV1, FilterAudience
from contracts.base import utc_now
from contracts.quiet_hours import QuietHours
from service_kit.migrations import migrate
from test_support.infrastructure import create_fresh_database, drop_database

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import DATABASE_URL, seed_contacts

TENANT_ID = "bench-tenant"
RUNS = 15
TARGET_MS = 300.0
AUDIENCES: dict[str, Any] = {
    "all (100%)": AllAudience(),
    "labels_any=[vip] (~10%)": FilterAudience(labels_any=["vip"]),
    "whatsapp, within 7d (~25%)": FilterAudience(channels=["whatsapp"], last_inbound_within="7d"),
}

CONNECTIONS = (("wa-main", "whatsapp"), ("tg-main", "telegram"))


async def seed(database_url: str, contacts: int) -> None:
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
    try:
        await migrate(pool, "audience", MIGRATIONS_DIR)
        await seed_contacts(pool, TENANT_ID, CONNECTIONS, contacts)
    finally:
        await pool.close()


async def p50(conn: asyncpg.Connection[Any], query: str, *arguments: Any) -> tuple[float, Any]:
    timings, rows = [], None
    for attempt in range(RUNS + 2):
        started = time.perf_counter()
        rows = await conn.fetch(query, *arguments)
        if attempt >= 2:
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), rows


def arithmetic_ms(rows: list[Any]) -> float:
    """campaign-api's pre-flight of the answer, per connection (pure)."""
    groups = _groups(rows)
    by_connection: dict[str, int] = {}
    for group in groups:
        by_connection[group.connection_id] = by_connection.get(group.connection_id, 0) + (
            group.matching
        )
    found = AudienceEstimateV1(
        audience_size=sum(by_connection.values()), by_connection=by_connection, groups=groups
    )
    connections = [_details(c) for c in by_connection]
    sending = Sending(start_at=utc_now(), quiet_hours=QuietHours(start="21:00", end="09:00"))
    started = time.perf_counter()
    for _ in range(100):
        plans_of(found, connections, sending, remaining=2_000_000)
    return (time.perf_counter() - started) * 10


def _details(connection_id: str) -> Any:
    from campaign_api.domain.model import Connection
    from campaign_api.repo.accounts import ConnectionDetails

    channel = "whatsapp" if connection_id.startswith("wa") else "telegram_bot"
    now = utc_now()
    return ConnectionDetails(
        connection=Connection(TENANT_ID, connection_id, channel),  # type: ignore[arg-type]
        sealed_credentials=None,
        limits={},
        first_used_at=now - timedelta(days=365),
        created_at=now,
        updated_at=now,
    )


async def measure(database_url: str) -> bool:
    conn = await asyncpg.connect(
        database_url,
        server_settings={"search_path": "audience", "plan_cache_mode": "force_custom_plan"},
    )
    ok = True
    try:
        for name, audience in AUDIENCES.items():
            arguments = condition_arguments(conditions_of(audience, now=utc_now()))
            before, counted = await p50(conn, COUNT_MATCHING, *arguments, TENANT_ID, None)
            since = utc_now() - timedelta(hours=24)
            after, rows = await p50(conn, PREFLIGHT_MATCHING, *arguments, TENANT_ID, None, since)
            size = sum(r["matching"] for r in counted)
            assert size == sum(r["matching"] for r in rows), "the two counts differ"
            passed = after < TARGET_MS
            ok = ok and passed
            print(
                f"{name:32} {size:>9,}  estimate {before:7.1f} ms  pre-flight {after:7.1f} ms "
                f"{'PASS' if passed else 'FAIL'} (< {TARGET_MS:.0f})  "
                f"arithmetic {arithmetic_ms(rows):.2f} ms"
            )
    finally:
        await conn.close()
    return ok


async def main(contacts: int, keep: bool) -> int:
    database_url = await create_fresh_database(DATABASE_URL, prefix="preflight_bench")
    try:
        await seed(database_url, contacts)
        return 0 if await measure(database_url) else 1
    finally:
        if not keep:
            await drop_database(database_url)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.contacts, args.keep)))
