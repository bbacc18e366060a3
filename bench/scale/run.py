"""Scale benchmark (not a test; `make bench` runs it only when named): N contacts
(10,000,000 by default) and one campaign to all of them over several fast
Telegram bots (the simulator, each bot at 1000/s, a campaign per bot as
`POST /v1/campaigns` makes one per connection), every service and the simulator
as their own processes on this machine.

    .venv/bin/python bench/run_all.py scale
    .venv/bin/python bench/scale/run.py [--contacts 10000000] [--bots 4] [--plot PNG]
                                        [--send-for SECONDS]

(`--contacts 200000` checks it in a few minutes; 10,000,000 takes over an hour
at ~2,200 messages/s, three or more on a machine half as fast: `--send-for`
stops following the campaign after that long, for the memory over time and
every figure but the completion.)

The contacts are written straight into the audience-resolver's table
(common.seed_contacts), none opted out.  Printed, with PASS/FAIL where issue 19
sets a target:

- each service's resident memory every 30 s (sampled every 2 s), and at the end
  how much each grew after the first minute with every campaign sending (the target: flat), the
  dispatcher's peak (< 100 MB); the plot goes to --plot;
- the estimate of all N contacts through campaign-api, p50 of 7 (< 300 ms);
- the snapshot (campaign created -> every audience size known), the release
  (-> the scheduler's last release) and the sending (-> the last message at the
  simulator), and the messages per second delivered end to end;
- the database's size per million contacts and per million recipients, with the
  tables that grew; PostgreSQL's commits, rows and WAL per 1000 messages while
  the campaign ran (the WAL position is the server's: other databases on it add
  to that figure).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from contracts.names import dispatch_queue
from platform_sim.client import SimControl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import broker
from common import (
    DATABASE_URL,
    FAST_RATE,
    LOG_DIR,
    RABBITMQ_URL,
    SHIPPED_HELP,
    add_fast_bots,
    fast_token,
    interpreters,
    peak_rss_mb,
    seed_contacts,
    start_unlimited_simulator,
    tenant_admin_key,
)
from database import Sizes, activity, per_thousand, size_lines, sizes
from memory import MemoryLog, plot, sampling
from test_support.infrastructure import (
    create_fresh_database,
    delete_queues,
    drop_database,
    known_queues,
)
from test_support.system import free_port, running_system

TENANT_ID = "scale"
ESTIMATE_RUNS = 7
ESTIMATE_TARGET_MS = 300.0
DISPATCHER_TARGET_MB = 100.0
FIRST_MINUTE = 60.0
SIMULATOR = "platform-sim"
DOCS = Path(__file__).resolve().parents[2] / "docs"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


@dataclass
class Campaign:
    """One request's campaigns, from their creation to their completion."""

    ids: list[str]
    created_at: float  # wall clock (time.time())
    snapshot_s: float = 0.0
    all_running_s: float = 0.0  # every campaign started (each starts once its snapshot is in)
    completed_s: float = 0.0
    stopped_s: float = 0.0  # when --send-for ran out before they completed


async def estimate_timings(api: httpx.AsyncClient, contacts: int) -> list[float]:
    """Seconds each estimate of the whole audience took, after two warm-up ones."""
    timings = []
    for attempt in range(ESTIMATE_RUNS + 2):
        started = time.perf_counter()
        found = await api.post("/v1/audience/estimate", json={"audience": {"kind": "all"}})
        found.raise_for_status()
        assert found.json()["audience_size"] == contacts, found.json()
        if attempt >= 2:
            timings.append(time.perf_counter() - started)
    return timings


async def wait_for_tenant(pool: asyncpg.Pool[asyncpg.Record]) -> None:
    """The resolver learns of the tenant by an event: a snapshot before that is refused."""
    for _ in range(300):
        if await pool.fetchval("SELECT 1 FROM audience.tenants WHERE id = $1", TENANT_ID):
            return
        await asyncio.sleep(0.1)
    raise TimeoutError("the audience-resolver did not record the tenant within 30 s")


async def progress(api: httpx.AsyncClient, ids: list[str]) -> list[dict[str, Any]]:
    answers = await asyncio.gather(*(api.get(f"/v1/campaigns/{i}") for i in ids))
    return [a.json() for a in answers]


async def send_to_all(
    api: httpx.AsyncClient, send_for: float | None, say_every: float = 30.0
) -> Campaign:
    """One request for a text campaign to everyone (a campaign per connection),
    followed until every campaign has completed, or for `send_for` seconds; its
    progress every `say_every` s."""
    created_at = time.time()
    created = await api.post(
        "/v1/campaigns",
        json={"audience": {"kind": "all"}, "content": {"kind": "text", "text": "Hi {name}"}},
    )
    created.raise_for_status()
    campaign = Campaign([str(i) for i in created.json()["campaign_ids"]], created_at)
    said = 0.0
    while True:
        found = await progress(api, campaign.ids)
        elapsed = time.time() - created_at
        if not campaign.snapshot_s and all(c["progress"]["audience_size"] for c in found):
            campaign.snapshot_s = elapsed
        if not campaign.all_running_s and all(c["status"] != "scheduled" for c in found):
            campaign.all_running_s = elapsed
        if elapsed - said >= say_every:
            said = elapsed
            sent = sum(c["progress"]["sent"] for c in found)
            states = ",".join(sorted({c["status"] for c in found}))
            print(f"  [{elapsed:5.0f} s from creation] {states}: {sent:,} sent", flush=True)
        if all(c["status"] == "completed" for c in found):
            campaign.completed_s = elapsed
            return campaign
        if send_for is not None and elapsed >= send_for:
            campaign.stopped_s = elapsed
            return campaign
        await asyncio.sleep(2)


async def released(pool: asyncpg.Pool[asyncpg.Record], campaign: Campaign) -> tuple[int, float]:
    """How many recipients the scheduler released, and when its last release was
    (seconds after the campaigns were created)."""
    row = await pool.fetchrow(
        "SELECT count(*) AS n, extract(epoch FROM max(released_at)) AS last "
        "FROM scheduler.recipients WHERE campaign_id = ANY($1::uuid[])",
        campaign.ids,
    )
    assert row is not None
    return row["n"], float(row["last"]) - campaign.created_at


async def sent_at_simulator(sim_url: str, bots: int) -> tuple[int, float, float, int]:
    """From the simulator's counters of the fast bots: messages accepted, the
    first and the last (wall clock), and the most in any bot's busiest second."""
    async with SimControl(sim_url) as telegram:
        accounts = (await telegram.stats())["accounts"]
    ours = [accounts[fast_token(n).split(":")[0]] for n in range(1, bots + 1)]
    return (
        sum(a["successes"] for a in ours),
        min(a["first_at"] for a in ours),
        max(a["last_at"] for a in ours),
        max(a["max_in_any_1s_window"] for a in ours),
    )


@dataclass
class Figures:
    contacts: int
    estimates: list[float]
    campaign: Campaign
    released: tuple[int, float]
    sent: tuple[int, float, float, int]
    empty: Sizes
    seeded: Sizes
    final: Sizes
    activity: tuple[dict[str, float], dict[str, float]]
    consumed: tuple[Counter[str], Counter[str]]
    created_at: float  # the memory log's clock when the campaign was created


async def measure(
    api: httpx.AsyncClient,
    pool: asyncpg.Pool[asyncpg.Record],
    contacts: int,
    bots: list[str],
    log: MemoryLog,
    sim_url: str,
    services: list[str],
    send_for: float | None,
) -> Figures:
    async with pool.acquire() as conn:
        empty = await sizes(conn)
    await seed_contacts(
        pool, TENANT_ID, [(b, "telegram") for b in bots], contacts, opted_out_every=0
    )
    log.mark("contacts seeded")
    await wait_for_tenant(pool)
    estimates = await estimate_timings(api, contacts)
    async with pool.acquire() as conn:
        seeded = await sizes(conn)
        before = await activity(conn)
    consumed_before = await broker.consumed(services)
    print(f"campaign to all {contacts:,} over {len(bots)} bots at {FAST_RATE}/s ...", flush=True)
    log.mark("campaign created")
    created_at = log.now()
    campaign = await send_to_all(api, send_for)
    log.mark("stopped" if campaign.stopped_s else "completed")
    async with pool.acquire() as conn:
        after = await activity(conn)
        final = await sizes(conn)
    consumed_after = await broker.consumed(services)
    return Figures(
        contacts,
        estimates,
        campaign,
        await released(pool, campaign),
        await sent_at_simulator(sim_url, len(bots)),
        empty,
        seeded,
        final,
        (before, after),
        (consumed_before, consumed_after),
        created_at,
    )


def report(figures: Figures, log: MemoryLog, dispatcher_peak: float) -> bool:
    """Print the figures; True when every target was met."""
    campaign, (sent, first, last, busiest) = figures.campaign, figures.sent
    recipients, released_s = figures.released
    estimate = statistics.median(figures.estimates) * 1000
    rate = (sent - 1) / max(last - first, 1e-9)
    print()
    print(
        f"estimate of {figures.contacts:,} contacts: p50 {estimate:.0f} ms "
        f"(max {max(figures.estimates) * 1000:.0f})   {verdict(estimate < ESTIMATE_TARGET_MS)} "
        f"(< {ESTIMATE_TARGET_MS:.0f} ms)"
    )
    print(
        f"snapshot (every audience size known): {campaign.snapshot_s:.1f} s; every campaign "
        f"running: {campaign.all_running_s:.1f} s; release: last of "
        f"{recipients:,} at {released_s:.1f} s; sending: last at "
        f"{last - campaign.created_at:.1f} s; "
        + (
            f"stopped following at {campaign.stopped_s:.1f} s (--send-for), not completed "
            if campaign.stopped_s
            else f"completed at {campaign.completed_s:.1f} s "
        )
        + "(from the campaigns' creation)"
    )
    complete = sent == recipients == figures.contacts
    print(
        f"sent: {sent:,} of {figures.contacts:,}   {verdict(complete)}; {rate:,.0f} messages/s "
        f"end to end (first to last at the simulator); a bot's busiest second {busiest} "
        f"(limit {FAST_RATE})   {verdict(busiest <= FAST_RATE)}"
    )
    flat = report_memory(log, figures.created_at + campaign.all_running_s + FIRST_MINUTE)
    print(
        f"dispatcher-telegram peak: {dispatcher_peak:.0f} MB   "
        f"{verdict(dispatcher_peak < DISPATCHER_TARGET_MB)} (< {DISPATCHER_TARGET_MB:.0f} MB)"
    )
    print("database size:")
    for line in size_lines(figures.empty, figures.seeded, figures.contacts, "contacts"):
        print("  " + line)
    if campaign.stopped_s:
        print(
            f"  (stopped with {sent:,} of {recipients:,} sent: the audience's and the scheduler's "
            "rows are all there, the deliveries' only for what was sent)"
        )
    for line in size_lines(figures.seeded, figures.final, recipients, "recipients"):
        print("  " + line)
    before, after = figures.activity
    print("PostgreSQL per 1000 messages: " + per_thousand(before, after, sent))
    print("RabbitMQ messages the services consumed per 1000 messages:")
    for line in broker.per_thousand(*figures.consumed, sent):
        print("  " + line)
    return (
        complete
        and flat
        and busiest <= FAST_RATE
        and estimate < ESTIMATE_TARGET_MS
        and dispatcher_peak < DISPATCHER_TARGET_MB
    )


def report_memory(log: MemoryLog, since: float, slack_mb: float = 20.0) -> bool:
    """Each service's growth after the first minute with every campaign sending
    (each starts once the scheduler has its recipients: at 10M that takes minutes,
    while the services' memory rises to take them in); flat means within
    `slack_mb` (a heap's ordinary breathing).  The simulator is shown, not judged:
    it keeps a message counter per chat, as Telegram does."""
    grown = log.after(since)
    if not grown:
        print("memory after the first minute of sending: the sending took under a minute")
        return True
    flat = all(top - first <= slack_mb for n, (first, top) in grown.items() if n != SIMULATOR)
    print(
        "memory after the first minute of sending (then -> most): "
        + ", ".join(f"{n} {first:.0f} -> {top:.0f} MB" for n, (first, top) in grown.items())
        + f"   {verdict(flat)} (every service grew <= {slack_mb:.0f} MB)"
    )
    return flat


def queues(bots: int) -> list[str]:
    """Every queue a run uses: the services' own and the fast bots' (whose jobs a
    run stopped halfway would leave to the next)."""
    own = [dispatch_queue("telegram", TENANT_ID, f"fast-bot-{n}") for n in range(1, bots + 1)]
    return known_queues() + own


async def main(
    contacts: int, bots: int, plot_path: Path, shipped: bool, send_for: float | None
) -> int:
    database_url = await create_fresh_database(DATABASE_URL, prefix="scale")
    await delete_queues(RABBITMQ_URL, queues(bots))
    sim_port = free_port()
    simulator = start_unlimited_simulator(sim_port)
    sim_url = f"http://127.0.0.1:{sim_port}"
    try:
        async with running_system(
            database_url=database_url,
            rabbitmq_url=RABBITMQ_URL,
            log_dir=LOG_DIR,
            env={
                "TELEGRAM_API_BASE": sim_url,
                "LOG_LEVEL": "WARNING",
                "SNAPSHOT_LEAD_SECONDS": "1",
            },
            interpreters=interpreters(shipped),
        ) as system:
            pids = {n: p.process.pid for n, p in system.processes.items() if p.process}
            log = MemoryLog({**pids, SIMULATOR: simulator.pid})
            key = await tenant_admin_key(
                system.api_url, system.platform_key, TENANT_ID, max(contacts, 10_000_000)
            )
            pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2)
            async with (
                httpx.AsyncClient(
                    base_url=system.api_url, timeout=600, headers={"Authorization": f"Bearer {key}"}
                ) as api,
                sampling(log),
            ):
                connection_ids = await add_fast_bots(api, bots)
                urls = [p.base_url for p in system.processes.values()]
                figures = await measure(
                    api, pool, contacts, connection_ids, log, sim_url, urls, send_for
                )
            await pool.close()
            dispatcher_peak = peak_rss_mb(pids["dispatcher-telegram"])
        plot(
            log,
            plot_path,
            f"Resident memory: {contacts:,} contacts, a campaign to all of them over {bots} "
            f"bots at {FAST_RATE}/s (bench/scale, 2 shared cores)",
        )
        print(f"plot: {plot_path}")
        return 0 if report(figures, log, dispatcher_peak) else 1
    finally:
        simulator.terminate()
        simulator.wait(10)
        await delete_queues(RABBITMQ_URL, queues(bots))
        await drop_database(database_url)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--contacts", type=int, default=10_000_000)
    parser.add_argument("--bots", type=int, default=4, help=f"fast bots at {FAST_RATE}/s each")
    parser.add_argument("--plot", type=Path, default=DOCS / "scale-memory.png")
    parser.add_argument(
        "--shipped", action=argparse.BooleanOptionalAction, default=True, help=SHIPPED_HELP
    )
    parser.add_argument(
        "--send-for",
        type=float,
        default=None,
        metavar="SECONDS",
        help="stop following the campaign this long after creating it, sent or not (the "
        "figures then cover what was sent; 'sent' fails): memory and the rate over a "
        "time the machine can spare",
    )
    arguments = parser.parse_args()
    sys.exit(
        asyncio.run(
            main(
                arguments.contacts,
                arguments.bots,
                arguments.plot,
                arguments.shipped,
                arguments.send_for,
            )
        )
    )
