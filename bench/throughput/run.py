"""End-to-end throughput: a 100,000-recipient text campaign over one Telegram bot
connection with its limit raised to 1000/s, every service and the Telegram
simulator as their own processes on this machine.

Prints: delivered messages per second end to end (first to last message the
simulator received), the campaign's wall-clock time from its creation to its
completion, the fast bot's busiest 1-second window at the simulator, the
broker-only ceiling measured in the same run (one Python process publishing
persistent messages with confirms and consuming them with acks), their ratio,
the p99 delivery latency (release by the scheduler to receipt by the platform),
and each service's peak memory.  Then, with the default 30/s limit: the most
sends from the bot in any 1-second window at the simulator, and the mean rate.
The simulator's own rate limits are off, so every call the dispatcher made is
counted: a send over a limit shows instead of being refused.  Each figure with
a target has PASS or FAIL beside it:

* delivered end to end >= 1,000 messages/s, and >= 0.6 of the broker-only ceiling
  (the median of three measurements: one alone varied from 1,189 to 3,872/s
  between runs on this machine);
  1,000/s is also the bot's own cap, and the pacer lets send k + rate leave only
  a second after the answer to send k (the latest moment k may have reached the
  platform), so one connection delivers at most rate / (1.002 + round trip): the
  share of the cap (>= 99%) and that bound are printed beside it;
* default 30/s bot: no 1-second window over 30 sends, mean >= 29.5/s.

With `--bots N` (N > 1) the recipients are split between N fast bots, a
campaign each, without the 30/s part: what the system delivers when one bot's
cap is not what holds it.  Its targets (issue 19): >= 90% of the N caps, >= 1.4
times the broker-only ceiling, and <= 0.35 CPU-seconds per 1000 delivered for
every service, PostgreSQL and RabbitMQ together (the simulator left out).

CPU is counted from the campaigns' creation to their completion (the contacts'
import before it is not counted; the audience snapshot is); PostgreSQL's is that
of the backends of this run's own database and of the server's own processes,
RabbitMQ's that of the whole broker.

    .venv/bin/python bench/throughput/run.py [--recipients 100000] [--slow 600] [--bots 1]

(`--bots 4 --slow 0` is what `make bench` runs beside the one-bot run.)

(`--recipients 2000 --slow 90` runs it at a reduced scale, to check it works.)
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import aio_pika
import asyncpg
import httpx
from dispatch_core.pacing import SAFETY, WINDOW
from platform_sim.client import SimControl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import (
    DATABASE_URL,
    FAST_RATE,
    LOG_DIR,
    RABBITMQ_URL,
    SHIPPED_HELP,
    add_fast_bots,
    cpu_snapshot,
    fast_token,
    histogram_totals,
    interpreters,
    peak_rss_mb,
    percentile,
    start_unlimited_simulator,
    tenant_admin_key,
)
from test_support.infrastructure import (
    create_fresh_database,
    delete_queues,
    drop_database,
    known_queues,
)
from test_support.rates import busiest_window, mean_rate
from test_support.system import free_port, running_system

SLOW_TOKEN = "910000002:AAbench-slow-bot-token-000000000000"  # noqa: S105 (simulated)

TARGET_RATE = 1000.0
TARGET_RATIO = 0.6
TARGET_SHARE = 0.99
# Over several fast bots (issue 19): 90% of their caps, 1.4 times the
# broker-only ceiling, and CPU-seconds per 1000 delivered of every service,
# PostgreSQL and RabbitMQ (the simulator left out).
TARGET_SHARE_OF_CAPS = 0.9
TARGET_RATIO_OF_BOTS = 1.4
TARGET_CPU_PER_1000 = 0.35
SLOW_LIMIT = 30
SLOW_MEAN = 29.5


def verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


async def broker_ceiling(url: str, messages: int = 20_000) -> float:
    """Persistent messages through one quorum queue: publish with confirms and
    consume with acks, concurrently, in one process.  Messages per second."""
    connection = await aio_pika.connect(url)
    channel = await connection.channel(publisher_confirms=True)
    await channel.set_qos(prefetch_count=256)
    queue = await channel.declare_queue(
        f"bench.ceiling.{uuid.uuid4().hex[:6]}", durable=True, arguments={"x-queue-type": "quorum"}
    )
    body = b'{"campaign_id": "x", "recipient_no": 1, "text": "' + b"x" * 200 + b'"}'
    done = asyncio.Event()
    received = 0

    async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
        nonlocal received
        await message.ack()
        received += 1
        if received == messages:
            done.set()

    consumer_tag = await queue.consume(on_message)
    started = time.perf_counter()
    in_flight: set[asyncio.Future[object]] = set()
    for _ in range(messages):
        in_flight.add(
            asyncio.ensure_future(
                channel.default_exchange.publish(
                    aio_pika.Message(body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
                    queue.name,
                )
            )
        )
        if len(in_flight) >= 256:
            _finished, in_flight = await asyncio.wait(
                in_flight, return_when=asyncio.FIRST_COMPLETED
            )
    await asyncio.gather(*in_flight)
    await done.wait()
    elapsed = time.perf_counter() - started
    await queue.cancel(consumer_tag)
    await queue.delete(if_unused=False, if_empty=False)
    await connection.close()
    return messages / elapsed


def contacts_csv(connection: str, count: int, first: int) -> str:
    rows = ["connection_id,external_id,name,labels"]
    rows += [f"{connection},{first + n},Person {n},bench" for n in range(count)]
    return "\n".join(rows) + "\n"


async def wait_for_audience(api: httpx.AsyncClient, audience: dict[str, object], size: int) -> None:
    """The import is handed to the resolver in batches: wait until it stored them."""
    for _ in range(600):
        found = await api.post("/v1/audience/estimate", json={"audience": audience})
        if found.json()["audience_size"] >= size:
            return
        await asyncio.sleep(0.5)
    raise TimeoutError("the imported contacts were not stored within 5 minutes")


async def import_audience(
    api: httpx.AsyncClient, connection: str, recipients: int, first_id: int
) -> dict[str, object]:
    """`recipients` contacts on `connection`, imported and stored; the audience
    that selects them."""
    imported = (
        await api.post(
            "/v1/contacts/import",
            content=contacts_csv(connection, recipients, first_id),
            headers={"Content-Type": "text/csv"},
        )
    ).json()
    assert imported["accepted"] == recipients, imported
    audience: dict[str, object] = {
        "kind": "filter",
        "connection_ids": [connection],
        "labels_any": ["bench"],
    }
    await wait_for_audience(api, audience, recipients)
    return audience


async def run_campaign(
    api: httpx.AsyncClient, connection: str, audience: dict[str, object]
) -> tuple[str, float]:
    """A text campaign to `audience`, followed until it completes: its id and
    the seconds from its creation to its completion."""
    created_at = time.perf_counter()
    created = await api.post(
        "/v1/campaigns",
        json={
            "connection_id": connection,
            "audience": audience,
            "content": {"kind": "text", "text": "Hi {name}"},
        },
    )
    created.raise_for_status()
    campaign_id = created.json()["campaign_id"]
    last = ""
    while True:
        campaign = (await api.get(f"/v1/campaigns/{campaign_id}")).json()
        line = f"  {campaign['status']}: {campaign['progress']}"
        if line != last:
            print(line, flush=True)
            last = line
        if campaign["status"] == "completed":
            return campaign_id, time.perf_counter() - created_at
        await asyncio.sleep(0.5)


async def main(recipients: int, slow: int, bots: int, shipped: bool) -> None:
    database_url = await create_fresh_database(DATABASE_URL, prefix="bench")
    await delete_queues(RABBITMQ_URL, known_queues())
    sim_port = free_port()
    simulator = start_unlimited_simulator(sim_port)
    sim_url = f"http://127.0.0.1:{sim_port}"
    telegram = SimControl(sim_url)
    try:
        print("broker-only ceiling (three runs, the median counts) ...", flush=True)
        ceilings = [await broker_ceiling(RABBITMQ_URL) for _ in range(3)]
        ceiling = statistics.median(ceilings)
        print("  " + ", ".join(f"{c:.0f}" for c in ceilings) + " messages/s", flush=True)
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
            key = await tenant_admin_key(system.api_url, system.platform_key, "bench")
            async with httpx.AsyncClient(
                base_url=system.api_url, timeout=300, headers={"Authorization": f"Bearer {key}"}
            ) as api:
                fast_bots = await add_fast_bots(api, bots)
                await api.put(
                    "/v1/connections/slow-bot",
                    json={"channel": "telegram_bot", "credentials": {"token": SLOW_TOKEN}},
                )
                each = recipients // bots
                print(
                    f"{bots} campaign(s) of {each} recipients, each on its own bot at up to "
                    f"{FAST_RATE}/s ...",
                    flush=True,
                )
                audiences = await asyncio.gather(
                    *(
                        import_audience(api, fast_bot, each, 10_000_000 + n * 1_000_000)
                        for n, fast_bot in enumerate(fast_bots)
                    )
                )
                processes = {n: p.process.pid for n, p in system.processes.items() if p.process}
                processes["platform-sim"] = simulator.pid
                # CPU is counted from the campaigns' creation (the contacts'
                # import is not a delivery's work; the snapshot is).
                database = urlsplit(database_url).path.lstrip("/")
                before = cpu_snapshot(processes, database)
                campaigns = await asyncio.gather(
                    *(
                        run_campaign(api, fast_bot, audience)
                        for fast_bot, audience in zip(fast_bots, audiences, strict=True)
                    )
                )
                wall_clock = max(seconds for _, seconds in campaigns)
                after = cpu_snapshot(processes, database)
                used = {n: after[n] - before[n] for n in before}
                calls_of_bots = [
                    await telegram.calls(method="sendMessage", account=fast_token(n).split(":")[0])
                    for n in range(1, bots + 1)
                ]
                calls = [c for bot_calls in calls_of_bots for c in bot_calls]
                sent_at = {str(c["recipient"]): c["at"] for c in calls if c["status"] == 200}
                first, last = min(sent_at.values()), max(sent_at.values())
                rate = (len(sent_at) - 1) / (last - first)
                fast_busiest = max(busiest_window(c["at"] for c in bc) for bc in calls_of_bots)
                unpaid = sum(1 for c in calls if not c["params"].get("allow_paid_broadcast"))
                latencies = [
                    latency
                    for campaign_id, _ in campaigns
                    for latency in await release_to_platform(database_url, campaign_id, sent_at)
                ]
                statements, call_seconds = await dispatcher_figures(
                    system["dispatcher-telegram"].base_url
                )
                memory = {
                    name: peak_rss_mb(p.process.pid)
                    for name, p in system.processes.items()
                    if p.process
                }

                slow_calls = []
                if slow:
                    print(f"campaign of {slow} recipients at the default 30/s ...", flush=True)
                    slow_audience = await import_audience(api, "slow-bot", slow, 20_000_000)
                    await run_campaign(api, "slow-bot", slow_audience)
                    slow_calls = await telegram.calls(
                        method="sendMessage", account=SLOW_TOKEN.split(":")[0]
                    )
        ratio = rate / ceiling
        cap = FAST_RATE * bots
        target_rate = TARGET_RATE if bots == 1 else TARGET_SHARE_OF_CAPS * cap
        target_ratio = TARGET_RATIO if bots == 1 else TARGET_RATIO_OF_BOTS
        print()
        print(
            f"delivered end to end:      {rate:.0f} messages/s "
            f"({len(sent_at)} messages in {last - first:.1f} s"
            + (f", over {bots} bots" if bots > 1 else "")
            + f")   {verdict(rate >= target_rate)} (>= {target_rate:.0f}/s)"
        )
        # The pacer lets send k + rate leave only a window (and a safety margin)
        # after the answer to send k came back, the latest moment k may have
        # reached the platform: so one connection delivers at most
        # rate / (1.002 s + round trip).
        guard_bound = cap / (WINDOW + SAFETY + call_seconds)
        print(
            ("share of the bots' cap:    " if bots > 1 else "share of the bot's cap:    ")
            + f"{rate / cap:.1%} of {cap}/s"
            + (
                f"   {verdict(rate / cap >= TARGET_SHARE)} (>= {TARGET_SHARE:.0%})"
                if bots == 1
                else ""
            )
            + f"; mean call {call_seconds * 1000:.1f} ms, so the window guard allows at most "
            f"{guard_bound:.0f}/s ({rate / guard_bound:.1%} of that reached)"
        )
        print(f"campaign wall clock:       {wall_clock:.1f} s from its creation to its completion")
        print(
            f"a fast bot's busiest second: {fast_busiest} calls at the simulator "
            f"(limit {FAST_RATE}/s; {unpaid} calls without allow_paid_broadcast)   "
            f"{verdict(fast_busiest <= FAST_RATE and unpaid == 0)}"
        )
        print(
            f"dispatcher's database:     {statements[0]:.0f} statements wrote "
            f"{statements[1]:.0f} claims and outcomes ({statements[1] / max(statements[0], 1):.1f}"
            " a statement)"
        )
        print(
            f"broker-only ceiling:       {ceiling:.0f} messages/s (median of "
            + ", ".join(f"{c:.0f}" for c in ceilings)
            + ")"
        )
        print(
            f"ratio:                     {ratio:.3f}   {verdict(ratio >= target_ratio)} "
            f"(>= {target_ratio})"
        )
        print(
            "delivery latency (release -> platform): "
            f"p50 {percentile(latencies, 50) * 1000:.0f} ms, "
            f"p99 {percentile(latencies, 99) * 1000:.0f} ms"
        )
        print(
            "peak memory:               " + ", ".join(f"{n} {m:.0f} MB" for n, m in memory.items())
        )
        print(
            "CPU per 1000 messages:     "
            + ", ".join(
                f"{n} {seconds / recipients * 1000:.2f} s"
                for n, seconds in sorted(used.items(), key=lambda item: -item[1])
                if seconds > 0.01 * recipients / 1000
            )
        )
        system_cpu = sum(seconds for n, seconds in used.items() if n != "platform-sim")
        per_1000 = system_cpu / recipients * 1000
        print(
            f"CPU per 1000, all but the simulator: {per_1000:.2f} s (from the campaigns' creation; "
            "PostgreSQL: this run's database and the server's own processes)"
            + (
                f"   {verdict(per_1000 <= TARGET_CPU_PER_1000)} (<= {TARGET_CPU_PER_1000})"
                if bots > 1
                else ""
            )
        )
        if slow_calls:
            slow_at = [c["at"] for c in slow_calls]
            slow_busiest = busiest_window(slow_at)
            slow_mean = mean_rate(slow_at)
            refused = sum(1 for c in slow_calls if c["status"] != 200)
            print(
                f"default 30/s limit:        max {slow_busiest} calls in any 1 s window   "
                f"{verdict(slow_busiest <= SLOW_LIMIT)} (<= {SLOW_LIMIT}); "
                f"mean {slow_mean:.2f}/s over {len(slow_at)} calls   "
                f"{verdict(slow_mean >= SLOW_MEAN)} (>= {SLOW_MEAN}); {refused} not accepted"
            )
    finally:
        await telegram.close()
        simulator.terminate()
        simulator.wait(10)
        await delete_queues(RABBITMQ_URL, known_queues())
        await drop_database(database_url)


async def dispatcher_figures(dispatcher_url: str) -> tuple[tuple[float, float], float]:
    """From one read of the dispatcher's /metrics: the statements it wrote its
    claims and outcomes in and how many, and its mean platform call, from the
    request leaving to its answer read (what the pacer's window guard counts from)."""
    totals = await histogram_totals(
        dispatcher_url, "dispatch_writes_per_statement", "dispatch_platform_call_seconds"
    )
    calls, call_seconds = totals["dispatch_platform_call_seconds"]
    return totals["dispatch_writes_per_statement"], call_seconds / max(calls, 1.0)


async def release_to_platform(
    database_url: str, campaign_id: str, sent_at: dict[str, float]
) -> list[float]:
    connection = await asyncpg.connect(database_url)
    try:
        rows = await connection.fetch(
            "SELECT recipient->>'external_id' AS chat, extract(epoch FROM released_at) AS released "
            "FROM scheduler.recipients WHERE campaign_id = $1",
            uuid.UUID(campaign_id),
        )
    finally:
        await connection.close()
    return [sent_at[r["chat"]] - float(r["released"]) for r in rows if r["chat"] in sent_at]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument(
        "--slow", type=int, default=600, help="recipients on the default 30/s bot (0: none)"
    )
    parser.add_argument(
        "--bots",
        type=int,
        default=1,
        help="fast bots at 1000/s each, the recipients split between them in one campaign "
        "each: more than one measures the system beyond one bot's cap",
    )
    parser.add_argument(
        "--shipped", action=argparse.BooleanOptionalAction, default=True, help=SHIPPED_HELP
    )
    arguments = parser.parse_args()
    asyncio.run(main(arguments.recipients, arguments.slow, arguments.bots, arguments.shipped))
