"""What the benchmarks share: a fresh database and RabbitMQ vhost-free setup,
the platform simulator as its own process, every service as its own process,
a tenant with fast Telegram bots, and contacts written straight into the
audience-resolver's table."""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import asyncpg
import httpx
from test_support.infrastructure import with_database

RABBITMQ_URL = os.environ.get("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")
DATABASE_URL = os.environ.get(
    "DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/campaigns_bench"
)
ROOT = Path(__file__).resolve().parents[1]
LOG_DIR = ROOT / ".run" / "bench"
FAST_RATE = 1000
"""A fast bot's limit, messages per second (a paid broadcast's cap)."""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(values: list[float]) -> str:
    return (
        f"p50 {percentile(values, 50) * 1000:.1f} ms, p99 {percentile(values, 99) * 1000:.1f} ms, "
        f"max {max(values) * 1000:.1f} ms, mean {statistics.mean(values) * 1000:.1f} ms"
    )


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def own_install(package: str, root: Path = ROOT, venv: str | None = None) -> str:
    """The Python of `package` installed as its image installs it (`uv sync --frozen
    --no-dev --package`: its own dependencies, none of the workspace's development
    tools, such as `rich`, which structlog imports whenever it is installed), in
    `root`'s venv `venv` (`.venv-<package>`), made or brought up to the lock (uv as
    `make install` finds it: on PATH or in ~/.local/bin)."""
    where = root / (venv or f".venv-{package}")
    uv = shutil.which("uv", path=f"{os.environ.get('PATH', '')}:{Path.home() / '.local/bin'}")
    if uv is None:
        raise RuntimeError("uv not found (on PATH or in ~/.local/bin): run `make install`")
    subprocess.run(
        [uv, "sync", "--frozen", "--quiet", "--no-dev", "--package", package],
        cwd=root,
        env={**os.environ, "UV_PROJECT_ENVIRONMENT": str(where)},
        check=True,
    )
    return str(where / "bin/python")


def interpreters(shipped: bool) -> dict[str, str]:
    """For `running_system`: dispatcher-telegram from its own install when `shipped`
    (the memory it ships with), every other service from the workspace's venv; says
    which, for the run's figures."""
    where = "its own install (as its image ships it)" if shipped else "the workspace's venv"
    print(f"dispatcher-telegram runs from {where}", flush=True)
    return {"dispatcher-telegram": own_install("dispatcher-telegram")} if shipped else {}


SHIPPED_HELP = (
    "run dispatcher-telegram from its own install (.venv-dispatcher-telegram, as its image "
    "installs it: without the workspace's development tools, rich among them); "
    "--no-shipped: from the workspace's venv, like the other services"
)


def start_simulator(port: int, *extra: str) -> subprocess.Popen[bytes]:
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = (LOG_DIR / "platform-sim.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "platform_sim", "--telegram-port", str(port), *extra],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    time.sleep(1.0)
    return process


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def cpu_of_command(fragment: str) -> float:
    """CPU time of every process whose command line contains `fragment`
    (PostgreSQL's backends, RabbitMQ's Erlang VM)."""
    total = 0.0
    for pid, _ in _commands(fragment):
        try:
            total += cpu_seconds(pid)
        except OSError:
            continue
    return total


def start_unlimited_simulator(port: int) -> subprocess.Popen[bytes]:
    """The simulator with its own Telegram rate limits off, so every call a
    dispatcher makes is counted: a send over a limit shows instead of being refused."""
    return start_simulator(
        port,
        "--telegram-rate",
        "none",
        "--telegram-paid-rate",
        "none",
        "--telegram-chat-rate",
        "none",
    )


def cpu_of_database(database: str) -> float:
    """CPU time of PostgreSQL's processes working for `database`: the backends
    connected to it and the server's own processes (WAL writer, checkpointer,
    background writer...), but not the backends of other databases on the same
    server.  A backend that exits takes its CPU time with it, so connections
    closed between two readings are under-counted."""
    total = 0.0
    for pid, command in _commands("postgres:"):
        title = command.split("postgres:", 1)[1]
        client_backend = "(" in title or "[local]" in title
        if client_backend and f" {database} " not in title:
            continue
        try:
            total += cpu_seconds(pid)
        except OSError:
            continue
    return total


def _commands(fragment: str) -> list[tuple[int, str]]:
    """Each running process whose command line contains `fragment`, with it."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if fragment in command:
            found.append((int(entry.name), command))
    return found


def cpu_snapshot(processes: dict[str, int], database: str | None = None) -> dict[str, float]:
    """CPU seconds used so far by each named process, PostgreSQL and RabbitMQ.
    With `database`, PostgreSQL counts only what works for that database
    (`cpu_of_database`); RabbitMQ is one process for every vhost, so it counts
    whatever else uses the broker at the time."""
    found = {name: cpu_seconds(pid) for name, pid in processes.items()}
    found["postgresql"] = cpu_of_database(database) if database else cpu_of_command("postgres:")
    found["rabbitmq"] = cpu_of_command("beam.smp")
    return found


def fast_token(bot: int) -> str:
    """The simulated token of fast bot `bot` (from 1)."""
    return f"9101{bot:05d}:AAbench-fast-bot-token-000000000000"


async def tenant_admin_key(
    api_url: str, platform_key: str, tenant_id: str, monthly_limit: int = 10_000_000
) -> str:
    """A paid tenant made through the platform API, and an admin API key of it."""
    async with httpx.AsyncClient(base_url=api_url, timeout=300) as platform:
        platform.headers["Authorization"] = f"Bearer {platform_key}"
        made = await platform.put(
            f"/v1/tenants/{tenant_id}", json={"plan": "paid", "monthly_limit": monthly_limit}
        )
        made.raise_for_status()
        created = await platform.post(f"/v1/tenants/{tenant_id}/api-keys", json={"role": "admin"})
        created.raise_for_status()
        key: str = created.json()["key"]
        return key


async def add_fast_bots(api: httpx.AsyncClient, bots: int) -> list[str]:
    """Telegram bot connections `fast-bot-1` .. `fast-bot-<bots>` limited to
    FAST_RATE messages/s each; their ids."""
    connection_ids = [f"fast-bot-{n}" for n in range(1, bots + 1)]
    for n, connection_id in enumerate(connection_ids, 1):
        made = await api.put(
            f"/v1/connections/{connection_id}",
            json={
                "channel": "telegram_bot",
                "credentials": {"token": fast_token(n)},
                "limits": {"rate_per_second": FAST_RATE, "max_in_flight": 32},
            },
        )
        made.raise_for_status()
    return connection_ids


SEED_CONTACTS = """
INSERT INTO audience.contacts (tenant_id, connection_id, external_id, channel, name, labels,
                               locale, attributes, last_inbound_at, opted_out_at,
                               profile_updated_at)
SELECT $1, ($2::text[])[1 + n % cardinality($2::text[])], n::text,
       ($3::text[])[1 + n % cardinality($3::text[])], 'Person ' || n,
       CASE WHEN n % 10 = 0 THEN ARRAY['vip', 'customer'] ELSE ARRAY['customer'] END,
       'en',
       CASE n % 8
           WHEN 0 THEN '{}'::jsonb
           WHEN 1 THEN '{"timezone": "Asia/Tokyo", "city": "Tokyo"}'
           WHEN 2 THEN '{"timezone": "America/New_York", "orders": 3}'
           WHEN 3 THEN '{"timezone": "Europe/Berlin"}'
           WHEN 4 THEN '{"timezone": "Europe/Moscow"}'
           WHEN 5 THEN '{"timezone": "not a zone"}'
           ELSE '{"city": "Paris"}' END,
       now() - make_interval(mins => (hashint4(n) & 32767) % 20160),
       CASE WHEN $6 > 0 AND n % $6 = 0 THEN now() END,
       now()
FROM generate_series($4::int, $5::int) AS n
"""


async def seed_contacts(
    pool: asyncpg.Pool[asyncpg.Record],
    tenant_id: str,
    connections: Sequence[tuple[str, str]],
    count: int,
    *,
    opted_out_every: int = 50,
    batch: int = 1_000_000,
) -> None:
    """`count` contacts of `tenant_id` written into the audience-resolver's table
    in the shape its import stores them (one INSERT ... SELECT generate_series per
    `batch`, which is as fast as COPY and sends nothing over the wire), contact n
    on connection (id, channel) `connections[n % len(connections)]`, every
    `opted_out_every`-th opted out (0: none); then VACUUMed and ANALYZEd, as
    autovacuum leaves a table after a bulk insert (its visibility map set, so an
    index-only scan reads no heap).  The resolver's migrations must have run."""
    ids = [connection_id for connection_id, _ in connections]
    channels = [channel for _, channel in connections]
    started = time.monotonic()
    for first in range(1, count + 1, batch):
        last = min(count, first + batch - 1)
        await pool.execute(SEED_CONTACTS, tenant_id, ids, channels, first, last, opted_out_every)
        if count > batch:
            print(f"  {last:,} contacts in {time.monotonic() - started:.0f} s", flush=True)
    await pool.execute("VACUUM ANALYZE audience.contacts")
    print(f"seeded {count:,} contacts in {time.monotonic() - started:.1f} s", flush=True)


def database_url(name: str) -> str:
    """The URL of database `name` on the server DATABASE_URL names."""
    return with_database(DATABASE_URL, name)


def migration_statements(migrations: Path) -> list[str]:
    """The text of every migration in `migrations`, in their order."""
    return [migration.read_text() for migration in sorted(migrations.glob("*.sql"))]


async def fresh_schema_database(name: str, schema: str, migrations: Path) -> None:
    """Database `name` made anew, with `schema` and every migration in `migrations`
    applied in it (a service's tables, as the service would make them)."""
    admin = await asyncpg.connect(database_url("postgres"))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    statements = migration_statements(migrations)
    conn = await asyncpg.connect(database_url(name))
    try:
        await conn.execute(f"CREATE SCHEMA {schema}; SET search_path = {schema}")
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


async def table_writes(
    writers: Sequence[asyncpg.Connection], reader: asyncpg.Connection, schema: str, table: str
) -> tuple[int, int, int]:
    """Rows inserted, updated, and of those updated HOT, in `schema.table` so far,
    as PostgreSQL counts them once the pending statistics of `writers` are in: a
    writer flushes them as it goes idle after the forcing statement, so before it
    answers the next one (`reader`'s statements each read the counts afresh)."""
    for conn in writers:
        await conn.execute("SELECT pg_stat_force_next_flush()")
        await conn.execute("SELECT 1")
    row = await reader.fetchrow(
        "SELECT n_tup_ins, n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables"
        " WHERE schemaname = $1 AND relname = $2",
        schema,
        table,
    )
    assert row is not None
    return row[0], row[1], row[2]


async def histogram_totals(service_url: str, *names: str) -> dict[str, tuple[float, float]]:
    """From one read of a service's /metrics: each histogram's (count, sum), zeros
    for one it does not serve yet."""
    async with httpx.AsyncClient(timeout=10.0, follow_redirects=True) as client:
        text = (await client.get(f"{service_url}/metrics/")).text
    totals = {}
    for name in names:
        found = dict.fromkeys(("count", "sum"), 0.0)
        for kind in found:
            match = re.search(rf"^{name}_{kind} ([0-9.e+]+)$", text, re.M)
            if match:
                found[kind] = float(match.group(1))
        totals[name] = (found["count"], found["sum"])
    return totals
