"""Paired benchmark of the scheduler's recipient statements on a delivery's path:
the snapshot's insert, the release (claim_due_recipients) and the outcomes
(apply_results), old schema and SQL against new, in two databases, alternating
round by round.  Reports statement time ratios (new/old), HOT share and the WAL
each statement wrote (EXPLAIN (ANALYZE, WAL) on a separate, untimed round).

    python bench/sql/recipients_path.py OLD_ROOT NEW_ROOT --rounds 6 --lag 0.05

OLD_ROOT and NEW_ROOT are workspace checkouts (their scheduler migrations and SQL
are used); the databases PREFIX_old and PREFIX are dropped and made anew.  An
outcome's update is HOT only once the page was pruned of the release's old
versions, which PostgreSQL does on access only when no transaction of the whole
server (any database) that began before the release is still open: a long
transaction elsewhere on a shared server turns the HOT share to about nil.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import database_url, fresh_schema_database, table_writes
from test_support.infrastructure import drop_database

SVC = "services/scheduler/src/scheduler"


def load(root: Path, name: str) -> str:
    return (root / SVC / "sql" / f"{name}.sql").read_text()


async def fresh_db(name: str, root: Path) -> None:
    await fresh_schema_database(name, "scheduler", root / SVC / "migrations")


def recipient(n: int) -> str:
    return json.dumps(
        {
            "recipient_no": n,
            "contact_id": f"c{n}",
            "external_id": str(100000 + n),
            "name": f"Person {n}",
            "locale": "en",
            "labels": ["a", "b"],
            "attributes": {"timezone": "Europe/Berlin", "plan": "pro"},
            "last_inbound_at": None,
        }
    )


class Side:
    def __init__(self, label: str, db: str, root: Path) -> None:
        self.label, self.db, self.root = label, db, root
        self.insert = load(root, "insert_recipients")
        self.claim = load(root, "claim_due_recipients")
        self.apply = load(root, "apply_results")
        self.times: dict[str, list[float]] = {"insert": [], "claim": [], "apply": []}
        self.wal: dict[str, float] = {}
        self.hot: list[tuple[int, int]] = []

    async def connect(self) -> None:
        self.conn = await asyncpg.connect(
            database_url(self.db), server_settings={"search_path": "scheduler"}
        )
        # outcomes come on another connection, as in the service (the releaser and
        # the outcomes' consumer take theirs from the pool)
        self.conn2 = await asyncpg.connect(
            database_url(self.db), server_settings={"search_path": "scheduler"}
        )

    async def run(
        self, n: int, batch: int, report: int, explain: bool, lag: float = 0.0
    ) -> dict[str, float]:
        c = self.conn
        cid = uuid.uuid4()
        due = datetime.now(UTC) - timedelta(minutes=1)
        spent = {"insert": 0.0, "claim": 0.0, "apply": 0.0}
        wal = {"insert": 0.0, "claim": 0.0, "apply": 0.0}

        async def go(kind: str, q: str, *args: Any) -> Any:
            c = self.conn2 if kind == "apply" else self.conn
            if explain:
                plan = await c.fetchval(
                    f"EXPLAIN (ANALYZE, WAL, TIMING OFF, FORMAT JSON) {q}", *args
                )
                p = json.loads(plan)[0]["Plan"]
                wal[kind] += p.get("WAL Bytes", 0)
                return None
            t = time.perf_counter()
            out = await c.fetch(q, *args)
            spent[kind] += time.perf_counter() - t
            return out

        for start in range(0, n, 1000):
            part = (
                "["
                + ",".join(recipient(i) for i in range(start + 1, min(n, start + 1000) + 1))
                + "]"
            )
            async with c.transaction():
                await go("insert", self.insert, cid, part, due, None)
        # a release's outcomes are applied after the next release, as they come back
        # while the service releases on (the lag lets transactions that began before
        # the release end, as the platform's calls take far longer in the service)
        pending: list[int] = []
        while True:
            async with c.transaction():
                got = await go("claim", self.claim, cid, batch)
            if explain:
                query = (
                    "SELECT recipient_no FROM recipients WHERE campaign_id=$1 AND state='released'"
                )
                nos = [r[0] for r in await c.fetch(query, cid) if r[0] not in set(pending)]
            else:
                nos = [e["recipient_no"] for e in json.loads(got[0][0])]
            await asyncio.sleep(lag)
            for k in range(0, len(pending), report):
                p = pending[k : k + report]
                m = len(p)
                async with self.conn2.transaction():
                    await go(
                        "apply",
                        self.apply,
                        cid,
                        p,
                        [1] * m,
                        ["sent"] * m,
                        [None] * m,
                        1,
                        [0.0],
                        True,
                        [None],
                    )
            if not nos and not pending:
                break
            pending = nos
        return wal if explain else spent

    async def hot_counts(self) -> tuple[int, int, int]:
        reader = await asyncpg.connect(database_url(self.db))
        try:
            return await table_writes((self.conn, self.conn2), reader, "scheduler", "recipients")
        finally:
            await reader.close()


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("old", type=Path)
    ap.add_argument("new", type=Path)
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--batch", type=int, default=2000)
    ap.add_argument("--report", type=int, default=500)
    ap.add_argument("--lag", type=float, default=0.0, help="seconds before a release's outcomes")
    ap.add_argument("--prefix", default="campaigns_database")
    a = ap.parse_args()
    sides = [Side("old", a.prefix + "_old", a.old), Side("new", a.prefix, a.new)]
    for s in sides:
        await fresh_db(s.db, s.root)
        await s.connect()
    # a warm-up round each, and a table that already holds an earlier campaign
    for s in sides:
        await s.run(a.n, a.batch, a.report, explain=False, lag=a.lag)
    base = {s.label: await s.hot_counts() for s in sides}
    ratios: dict[str, list[float]] = {"insert": [], "claim": [], "apply": [], "all": []}
    for r in range(a.rounds):
        order = sides if r % 2 == 0 else sides[::-1]
        got = {}
        for s in order:
            got[s.label] = await s.run(a.n, a.batch, a.report, explain=False, lag=a.lag)
        for k in ("insert", "claim", "apply"):
            ratios[k].append(got["new"][k] / got["old"][k])
        ratios["all"].append(sum(got["new"].values()) / sum(got["old"].values()))
        print(
            f"round {r}: "
            + " ".join(
                f"{s}: " + ", ".join(f"{k} {v * 1000:.0f}ms" for k, v in got[s].items())
                for s in ("old", "new")
            ),
            flush=True,
        )
    for s in sides:
        ins, upd, hot = await s.hot_counts()
        b = base[s.label]
        print(
            f"{s.label}: inserted {ins - b[0]} updated {upd - b[1]} HOT {hot - b[2]}"
            f" ({(hot - b[2]) / max(upd - b[1], 1):.1%})"
        )
    for k, v in ratios.items():
        print(
            f"ratio new/old {k}: median {statistics.median(v):.3f}"
            f" min {min(v):.3f} max {max(v):.3f}"
        )
    for s in sides:
        w = await s.run(a.n, a.batch, a.report, explain=True, lag=a.lag)
        print(
            f"{s.label} WAL bytes per 1000 recipients: "
            + ", ".join(f"{k} {v / a.n * 1000:,.0f}" for k, v in w.items())
            + f", all {sum(w.values()) / a.n * 1000:,.0f}"
        )
    for s in sides:
        await s.conn.close()
        await s.conn2.close()
        await drop_database(database_url(s.db))


if __name__ == "__main__":
    asyncio.run(main())
