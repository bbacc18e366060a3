"""dispatcher-telegram alone: its CPU per 1000 messages sent.

Starts the Telegram simulator with its limits off, then, for each round and each
worktree given (`--worktree`, repeatable; default this one), a fresh database and
`python -m dispatcher_telegram` from that worktree's `.venv`; publishes the fast
bots (`connection.updated.v1`) and their jobs (`dispatch.send.v1`, batches of
`--batch`) as the scheduler does, and reads the outcomes
(`delivery.reported.v1`) as the campaign-api does.  The dispatcher's CPU is
counted from the first job published to the last outcome reported, after a
warm-up batch per bot.  Rounds alternate the worktrees (A B, then B A, ...), so a
comparison holds while the machine's speed drifts: the last lines are each
worktree's figures and, with two, the ratio of B to A round by round.

    RABBITMQ_URL=... DATABASE_URL=... .venv/bin/python bench/dispatcher/run.py \
        --jobs 20000 --rounds 3 --worktree /work/old --worktree /work/new

Each run also prints the dispatcher's peak resident memory (VmHWM).  `--venv NAME`
runs it from each worktree's venv of that name instead of `.venv`: with `--venv
.venv-dispatcher-telegram`, the service as its image installs it (made there if
missing: `uv sync --frozen --no-dev --package dispatcher-telegram`, so without the
workspace's development tools, such as `rich`, which structlog imports whenever it
is installed).

`--profile DIR` runs `py-spy record` (from this venv: `uv pip install py-spy`) on
each dispatcher through its measured window: collapsed stacks per run, or with
`--profile-format flamegraph` an SVG flame graph.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import aio_pika
import httpx
from contracts.audience import Recipient
from contracts.base import utc_now
from contracts.dispatch import DeliveriesReportedV1, DispatchJob, DispatchRequestedV1, OutboundText
from contracts.names import INTERNAL_EXCHANGE, RoutingKey, dispatch_queue
from contracts.tenants import ConnectionLimits, ConnectionUpdatedV1
from service_kit.publishing import encode
from service_kit.secrets import SecretBox, parse_keys
from service_kit.topology import quorum_queue

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import (
    DATABASE_URL,
    FAST_RATE,
    LOG_DIR,
    RABBITMQ_URL,
    cpu_of_command,
    cpu_seconds,
    fast_token,
    histogram_totals,
    own_install,
    peak_rss_mb,
    start_unlimited_simulator,
)
from test_support.infrastructure import create_fresh_database, drop_database
from test_support.secrets import new_secrets_key
from test_support.system import free_port

TENANT = "bench-dispatcher"
WARM_UP = 200
"""Jobs per bot sent (and reported) before the CPU is counted."""


@dataclass(frozen=True)
class Run:
    per_1000: float
    """The dispatcher's CPU-s per 1000 sent."""
    database_per_1000: float
    """CPU-s per 1000 sent of the PostgreSQL backends of the run's database."""
    rate: float
    wall: float
    per_statement: float
    """Claims and outcomes written a statement."""
    peak_mb: float
    """The dispatcher's peak resident memory (VmHWM), MB."""


class Outcomes:
    """Counts the outcomes reported, by campaign."""

    def __init__(self) -> None:
        self.by_campaign: dict[uuid.UUID, int] = {}
        self.statuses: dict[str, int] = {}
        self.changed = asyncio.Event()

    async def on_message(self, message: aio_pika.abc.AbstractIncomingMessage) -> None:
        async with message.process():
            report = DeliveriesReportedV1.model_validate_json(message.body)
            if report.tenant_id != TENANT:
                return
            for result in report.results:
                self.by_campaign[result.campaign_id] = (
                    self.by_campaign.get(result.campaign_id, 0) + 1
                )
                self.statuses[result.status] = self.statuses.get(result.status, 0) + 1
            self.changed.set()

    async def wait_for(self, campaign: uuid.UUID, count: int, within: float) -> None:
        deadline = time.monotonic() + within
        while self.by_campaign.get(campaign, 0) < count:
            self.changed.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{self.by_campaign.get(campaign, 0)} of {count} outcomes")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), left)


def jobs_for(campaign: uuid.UUID, first: int, count: int, bot: int) -> list[DispatchJob]:
    now = utc_now()
    return [
        DispatchJob(
            campaign_id=campaign,
            recipient_no=n,
            step_no=1,
            recipient=Recipient(
                recipient_no=n, contact_id=f"c:{n}", external_id=str(bot * 10_000_000 + n)
            ),
            content=OutboundText(text=f"Hello, person {n}: our news of the week."),
            released_at=now,
        )
        for n in range(first, first + count)
    ]


async def publish_jobs(
    channel: aio_pika.abc.AbstractChannel,
    connection_id: str,
    campaign: uuid.UUID,
    count: int,
    batch: int,
    bot: int,
) -> None:
    queue = dispatch_queue("telegram", TENANT, connection_id)
    for first in range(1, count + 1, batch):
        request = DispatchRequestedV1(
            tenant_id=TENANT,
            connection_id=connection_id,
            channel="telegram_bot",
            jobs=jobs_for(campaign, first, min(batch, count - first + 1), bot),
        )
        await channel.default_exchange.publish(
            aio_pika.Message(encode(request), delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
            queue,
        )


async def wait_healthy(url: str, process: subprocess.Popen[bytes], within: float = 60) -> None:
    deadline = time.monotonic() + within
    async with httpx.AsyncClient(timeout=2.0) as client:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the dispatcher exited with {process.returncode}")
            try:
                if (await client.get(f"{url}/health")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("the dispatcher is not healthy")
            await asyncio.sleep(0.2)


def start_dispatcher(worktree: Path, venv: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """`python -m dispatcher_telegram` from `worktree`'s venv `venv`."""
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    with (LOG_DIR / "dispatcher-alone.log").open("ab") as log:
        return subprocess.Popen(
            [str(worktree / venv / "bin/python"), "-m", "dispatcher_telegram"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=worktree,
        )


def start_profiler(pid: int, out: Path, output_format: str) -> subprocess.Popen[bytes]:
    """py-spy sampling `pid` at 200 Hz until interrupted."""
    suffix = "svg" if output_format == "flamegraph" else "txt"
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "py-spy"),
            "record",
            "-r",
            "200",
            "--nonblocking",
            "--pid",
            str(pid),
            "--format",
            output_format,
            "-o",
            f"{out}.{suffix}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def sending_for(url: str, bots: int, within: float) -> bool:
    """Whether the dispatcher sends for `bots` connections within `within` seconds.
    A worktree from before dispatch-core's migration 011 may miss one (connection
    events are handled concurrently, and its refresh, once it read a later one
    committed first, did not read an earlier one again), so the events are then
    published again (a later `updated_at`)."""
    deadline = time.monotonic() + within
    async with httpx.AsyncClient(timeout=5.0, follow_redirects=True) as client:
        while time.monotonic() < deadline:
            text = (await client.get(f"{url}/metrics/")).text
            found = re.search(r"^dispatch_connections_sending ([0-9.e+]+)$", text, re.M)
            if found and float(found.group(1)) >= bots:
                return True
            await asyncio.sleep(0.2)
    return False


async def statements(url: str) -> tuple[float, float]:
    """(statements, claims and outcomes written) of the dispatcher's delivery writes."""
    name = "dispatch_writes_per_statement"
    return (await histogram_totals(url, name))[name]


async def one_run(worktree: Path, args: argparse.Namespace, sim_url: str, run: str) -> Run:
    database_url = await create_fresh_database(DATABASE_URL, prefix="benchdisp")
    keys = new_secrets_key()
    box = SecretBox(parse_keys(keys))
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "RABBITMQ_URL": RABBITMQ_URL,
        "SECRETS_KEYS": keys,
        "TELEGRAM_API_BASE": sim_url,
        "DISPATCHER_TELEGRAM_PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    process = start_dispatcher(worktree, args.venv, env)
    profiler: subprocess.Popen[bytes] | None = None
    connection = await aio_pika.connect(RABBITMQ_URL)
    try:
        await wait_healthy(f"http://127.0.0.1:{port}", process)
        channel = await connection.channel()
        outcomes = Outcomes()
        reports = await channel.declare_queue("", exclusive=True)
        await reports.bind(INTERNAL_EXCHANGE, RoutingKey.DELIVERY_REPORTED)
        await reports.consume(outcomes.on_message)
        internal = await channel.get_exchange(INTERNAL_EXCHANGE)
        bots = [f"fast-bot-{n}" for n in range(1, args.bots + 1)]
        for connection_id in bots:
            queue = dispatch_queue("telegram", TENANT, connection_id)
            declared = await channel.declare_queue(
                queue,
                durable=True,
                arguments=quorum_queue(queue, single_active_consumer=True).arguments,
            )
            await declared.purge()
        url = f"http://127.0.0.1:{port}"
        for _ in range(3):
            for n, connection_id in enumerate(bots, 1):
                event = ConnectionUpdatedV1(
                    tenant_id=TENANT,
                    connection_id=connection_id,
                    channel="telegram_bot",
                    sealed_credentials=box.seal_credentials({"token": fast_token(n)}),
                    limits=ConnectionLimits(rate_per_second=args.rate, max_in_flight=32),
                    updated_at=utc_now(),
                )
                await internal.publish(
                    aio_pika.Message(encode(event), delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
                    RoutingKey.CONNECTION_UPDATED,
                )
            if await sending_for(url, len(bots), within=15):
                break
        warm = {bot: uuid.uuid4() for bot in bots}
        for n, bot in enumerate(bots, 1):
            await publish_jobs(channel, bot, warm[bot], WARM_UP, WARM_UP, n)
        for bot in bots:
            await outcomes.wait_for(warm[bot], WARM_UP, within=300)
        each = args.jobs // args.bots
        campaigns = {bot: uuid.uuid4() for bot in bots}
        if args.profile:
            profiler = start_profiler(process.pid, Path(args.profile) / run, args.profile_format)
            await asyncio.sleep(1.0)
        written_before = await statements(url)
        database = f"{urlsplit(database_url).path.lstrip('/')} "
        before, started = cpu_seconds(process.pid), time.monotonic()
        database_before = cpu_of_command(database)
        await asyncio.gather(
            *(
                publish_jobs(channel, bot, campaigns[bot], each, args.batch, n)
                for n, bot in enumerate(bots, 1)
            )
        )
        for bot in bots:
            await outcomes.wait_for(campaigns[bot], each, within=600)
        used, wall = cpu_seconds(process.pid) - before, time.monotonic() - started
        database_used = cpu_of_command(database) - database_before
        sent = each * len(bots)
        written_after = await statements(url)
        per_statement = (written_after[1] - written_before[1]) / max(
            1.0, written_after[0] - written_before[0]
        )
        return Run(
            used / sent * 1000,
            database_used / sent * 1000,
            sent / wall,
            wall,
            per_statement,
            peak_rss_mb(process.pid),
        )
    finally:
        if profiler is not None:
            profiler.send_signal(2)  # SIGINT: py-spy writes what it has
            profiler.wait(60)
        await connection.close()
        process.terminate()
        process.wait(30)
        await drop_database(database_url)


async def main(args: argparse.Namespace, worktrees: list[Path]) -> None:
    sim_port = free_port()
    simulator = start_unlimited_simulator(sim_port)
    if args.venv != ".venv":
        for worktree in worktrees:
            own_install("dispatcher-telegram", worktree, args.venv)
    figures: dict[Path, list[float]] = {w: [] for w in worktrees}
    database: dict[Path, list[float]] = {w: [] for w in worktrees}
    peaks: dict[Path, list[float]] = {w: [] for w in worktrees}
    try:
        for round_no in range(1, args.rounds + 1):
            order = worktrees if round_no % 2 else worktrees[::-1]
            for worktree in order:
                run = await one_run(
                    worktree, args, f"http://127.0.0.1:{sim_port}", f"{worktree.name}-{round_no}"
                )
                figures[worktree].append(run.per_1000)
                database[worktree].append(run.database_per_1000)
                peaks[worktree].append(run.peak_mb)
                print(
                    f"round {round_no} {worktree.name}: {run.per_1000:.4f} CPU-s per 1000 sent "
                    f"(its database's backends {run.database_per_1000:.4f}), {run.rate:.0f}/s "
                    f"over {run.wall:.1f} s, {run.per_statement:.1f} claims and outcomes a "
                    f"statement, peak RSS {run.peak_mb:.1f} MB",
                    flush=True,
                )
    finally:
        simulator.terminate()
        simulator.wait(10)
    for worktree, values in figures.items():
        print(
            f"{worktree.name}: CPU-s per 1000 sent median {statistics.median(values):.4f} "
            f"(min {min(values):.4f}, max {max(values):.4f}, {len(values)} runs); peak RSS "
            f"median {statistics.median(peaks[worktree]):.1f} MB (min {min(peaks[worktree]):.1f}, "
            f"max {max(peaks[worktree]):.1f})"
        )
    if len(worktrees) == 2:
        for what, found in (
            ("dispatcher", figures),
            ("its database's backends", database),
            ("peak RSS", peaks),
        ):
            a, b = (found[w] for w in worktrees)
            ratios = [y / x for x, y in zip(a, b, strict=True) if x]
            if ratios:
                print(
                    f"{what}, {worktrees[1].name} / {worktrees[0].name}: median "
                    f"{statistics.median(ratios):.3f} (min {min(ratios):.3f}, "
                    f"max {max(ratios):.3f})"
                )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=20_000, help="jobs counted, over all bots")
    parser.add_argument("--bots", type=int, default=4)
    parser.add_argument("--batch", type=int, default=1000, help="jobs per dispatch.send.v1")
    parser.add_argument(
        "--rate",
        type=int,
        default=FAST_RATE,
        help="each bot's limit, messages/s: below what the machine sustains, every run "
        "sends at the same rate (CPU per message grows as the rate falls: fewer rows a "
        "statement, fewer outcomes a report)",
    )
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--worktree", action="append", default=[])
    parser.add_argument(
        "--venv",
        default=".venv",
        help="the venv of each worktree the dispatcher runs from (`.venv-dispatcher-telegram`: "
        "its own install, made if missing)",
    )
    parser.add_argument("--profile", help="a folder for py-spy's output of each run")
    parser.add_argument(
        "--profile-format", default="raw", choices=["raw", "flamegraph", "speedscope"]
    )
    parsed = parser.parse_args()
    asyncio.run(
        main(
            parsed,
            [Path(w).resolve() for w in parsed.worktree] or [Path(__file__).resolve().parents[2]],
        )
    )
