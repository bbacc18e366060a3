"""Paired benchmark of dispatch-core's record_and_claim (a delivery's claim, then
its outcome) on two schemas, in two databases, alternating round by round: HOT
share of the deliveries' updates, WAL bytes (EXPLAIN (ANALYZE, WAL) on a separate,
untimed round) and statement time.  Four connections at a time, as four bots,
each recording the previous batch's outcomes while claiming the next batch.

    python bench/sql/dispatch_path.py OLD_ROOT NEW_ROOT --rounds 6

OLD_ROOT and NEW_ROOT are workspace checkouts (dispatch-core's migrations and SQL
are used); the databases PREFIX_old and PREFIX_new are dropped and made anew.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import database_url, fresh_schema_database, table_writes
from test_support.infrastructure import drop_database

LIB = "libs/dispatch-core/src/dispatch_core"


async def fresh_db(name: str, root: Path) -> None:
    await fresh_schema_database(name, "d", root / LIB / "migrations")


class Side:
    def __init__(self, label: str, db: str, root: Path) -> None:
        self.label, self.db = label, db
        self.query = (root / LIB / "sql" / "record_and_claim.sql").read_text()

    async def connect(self, bots: int) -> None:
        self.conns = [
            await asyncpg.connect(database_url(self.db), server_settings={"search_path": "d"})
            for _ in range(bots)
        ]

    async def bot(
        self, conn: asyncpg.Connection, bot: int, n: int, batch: int, explain: bool
    ) -> tuple[float, float]:
        cid = uuid.uuid4()
        spent = wal = 0.0
        prev: list[int] = []
        nos = list(range(1, n + 1))
        now = datetime.now(UTC)
        for k in range(0, n + batch, batch):
            claim = nos[k : k + batch]
            if not claim and not prev:
                break
            m = len(prev)
            args = (
                [cid] * m,
                prev,
                [1] * m,
                ["sent"] * m,
                [1] * m,
                [f"m{x}" for x in prev],
                [None] * m,
                [None] * m,
                ["static"] * m,
                [now] * m,
                [now] * m,
                "tenant",
                f"bot{bot}",
                [cid] * len(claim),
                claim,
                [1] * len(claim),
                ["static"] * len(claim),
                [None] * m,
                [None] * len(claim),
            )
            if explain:
                plan = await conn.fetchval(
                    f"EXPLAIN (ANALYZE, WAL, TIMING OFF, FORMAT JSON) {self.query}", *args
                )
                wal += json.loads(plan)[0]["Plan"].get("WAL Bytes", 0)
            else:
                t = time.perf_counter()
                await conn.fetch(self.query, *args)
                spent += time.perf_counter() - t
            prev = claim
        return spent, wal

    async def run(self, n: int, batch: int, explain: bool = False) -> tuple[float, float]:
        got = await asyncio.gather(
            *(self.bot(c, i, n, batch, explain) for i, c in enumerate(self.conns))
        )
        return sum(g[0] for g in got), sum(g[1] for g in got)

    async def hot(self) -> tuple[int, int, int]:
        return await table_writes(self.conns, self.conns[0], "d", "deliveries")


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("old", type=Path)
    ap.add_argument("new", type=Path)
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--n", type=int, default=5000, help="deliveries per bot a round")
    ap.add_argument("--batch", type=int, default=24)
    ap.add_argument("--bots", type=int, default=4)
    ap.add_argument("--prefix", default="campaigns_database_d")
    a = ap.parse_args()
    sides = [Side("old", a.prefix + "_old", a.old), Side("new", a.prefix + "_new", a.new)]
    for s in sides:
        await fresh_db(s.db, a.old if s.label == "old" else a.new)
        await s.connect(a.bots)
    for s in sides:
        await s.run(a.n, a.batch)
    base = {s.label: await s.hot() for s in sides}
    ratios = []
    for r in range(a.rounds):
        got = {}
        for s in sides if r % 2 == 0 else sides[::-1]:
            got[s.label] = (await s.run(a.n, a.batch))[0]
        ratios.append(got["new"] / got["old"])
        print(
            f"round {r}: old {got['old'] * 1000:.0f} ms new {got['new'] * 1000:.0f} ms", flush=True
        )
    for s in sides:
        ins, upd, hot = await s.hot()
        b = base[s.label]
        print(
            f"{s.label}: inserted {ins - b[0]} updated {upd - b[1]} HOT {hot - b[2]}"
            f" ({(hot - b[2]) / max(upd - b[1], 1):.1%})"
        )
    print(
        f"ratio new/old: median {statistics.median(ratios):.3f}"
        f" min {min(ratios):.3f} max {max(ratios):.3f}"
    )
    for s in sides:
        _, w = await s.run(a.n, a.batch, explain=True)
        print(f"{s.label} WAL bytes per 1000 deliveries: {w / (a.n * a.bots) * 1000:,.0f}")
        size = await s.conns[0].fetchval("SELECT pg_relation_size('deliveries') / 8192")
        print(f"{s.label} deliveries pages: {size}")
    for s in sides:
        for c in s.conns:
            await c.close()
        await drop_database(database_url(s.db))


if __name__ == "__main__":
    asyncio.run(main())
