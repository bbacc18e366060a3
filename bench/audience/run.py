"""Audience-resolver benchmark (not a test): load a million contacts through the
import path, then measure estimates and the snapshot of ~900,000 recipients.

    .venv/bin/python bench/audience/run.py [--contacts 1000000] [--keep]

The resolver runs as its own process (`python -m audience_resolver`) on
RABBITMQ_URL and a fresh database `campaigns_resolver_bench` beside the one
DATABASE_URL names.  Reported: import rate, estimate latency (p50 of requests
as campaign-api makes them), the time from the snapshot request to the snapshot
committed, to its first batch and to its last (as received on a quorum queue
bound like the real consumers'), and the resolver's memory while it streams.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aio_pika
import asyncpg
import httpx
from contracts.audience import (
    AudienceEstimateRequestedV1,
    AudienceEstimateV1,
    AudienceSnapshotRequestedV1,
    FilterAudience,
)
from contracts.names import INTERNAL_EXCHANGE, Queue, RoutingKey
from faststream.rabbit import RabbitBroker
from population import (
    ESTIMATE_FILTERS,
    MAIN_CONNECTION,
    SNAPSHOT_FILTER,
    TENANT_ID,
    import_batches,
)
from prometheus_client.parser import text_string_to_metric_families
from service_kit.publishing import encode
from test_support.infrastructure import delete_queues, with_database
from test_support.processes import ServiceProcess
from test_support.waiting import eventually

BENCH_DATABASE = "campaigns_resolver_bench"
BENCH_QUEUE = "bench.audience-snapshot"
RESOLVER_PORT = 18081
RESOLVER_QUEUES = [
    Queue.RESOLVER_CONTACT_UPSERTED,
    Queue.RESOLVER_MESSAGE_INBOUND,
    Queue.RESOLVER_CONTACTS_IMPORTED,
    Queue.RESOLVER_SNAPSHOT,
    Queue.RESOLVER_ESTIMATE,
]
ESTIMATE_RUNS = 15


async def recreate_database(url: str) -> None:
    admin = await asyncpg.connect(with_database(url, "postgres"))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    finally:
        await admin.close()


async def drop_database(url: str) -> None:
    admin = await asyncpg.connect(with_database(url, "postgres"))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
    finally:
        await admin.close()


async def imported_so_far(http: httpx.AsyncClient, resolver: ServiceProcess) -> float:
    """The resolver's `audience_contacts_upserted{source="import"}`: rows committed."""
    text = (await http.get(f"{resolver.base_url}/metrics/")).text
    for family in text_string_to_metric_families(text):
        if family.name == "audience_contacts_upserted":
            for sample in family.samples:
                if sample.name.endswith("_total") and sample.labels.get("source") == "import":
                    return sample.value
    return 0.0


async def load(client: RabbitBroker, resolver: ServiceProcess, total: int) -> float:
    """Publish the import batches and wait until every row is stored; rows/s."""
    print(f"building {total:,} contacts ...", flush=True)
    bodies = list(import_batches(total, batch_size=1000))
    print(f"importing {len(bodies)} batches of 1000 ...", flush=True)
    started = time.monotonic()
    for number, body in enumerate(bodies, start=1):
        await client.publish(
            body,
            exchange=INTERNAL_EXCHANGE,
            routing_key=RoutingKey.CONTACTS_IMPORTED,
            persist=True,
            content_type="application/json",
            message_id=f"bench-import-{number}",
        )
    async with httpx.AsyncClient(timeout=5.0) as http:

        async def stored() -> bool:
            return await imported_so_far(http, resolver) >= total

        await eventually(stored, timeout=600, interval=0.1, what="the import to be stored")
    return total / (time.monotonic() - started)


async def vacuum_analyze(database_url: str) -> None:
    """What autovacuum does after a bulk load: statistics and the visibility map."""
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("VACUUM (ANALYZE) audience.contacts")
    finally:
        await conn.close()


async def estimate_p50(client: RabbitBroker, audience: FilterAudience) -> tuple[float, int]:
    """Median round trip in ms over ESTIMATE_RUNS requests (after two to warm up)."""
    request = encode(
        AudienceEstimateRequestedV1(tenant_id=TENANT_ID, connection_id=None, audience=audience)
    )
    timings: list[float] = []
    size = 0
    for attempt in range(ESTIMATE_RUNS + 2):
        started = time.perf_counter()
        reply = await client.request(
            request,
            exchange=INTERNAL_EXCHANGE,
            routing_key=RoutingKey.AUDIENCE_ESTIMATE,
            timeout=30,
            content_type="application/json",
        )
        if attempt >= 2:
            timings.append((time.perf_counter() - started) * 1000)
        size = AudienceEstimateV1.model_validate_json(reply.body).audience_size
    return statistics.median(timings), size


def cpu_seconds(pid: int) -> float:
    """User and system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int, field_name: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field_name}:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class SnapshotWatch:
    """One snapshot as the bench sees it: its batches arriving on a queue of the
    bench's own (a quorum queue, like the real consumers'), its row committed,
    and the resolver's memory meanwhile."""

    campaign_id: uuid.UUID = field(default_factory=uuid.uuid4)
    started: float = 0.0
    committed_after: float | None = None
    first_batch_after: float | None = None
    streamed_after: float | None = None
    batches: int = 0
    out_of_order: int = 0
    peak_rss_mb: float = 0.0
    streamed: asyncio.Event = field(default_factory=asyncio.Event)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    async def on_message(self, message: aio_pika.abc.AbstractIncomingMessage) -> None:
        await message.ack()
        if message.routing_key == RoutingKey.RECIPIENTS_RESOLVED:
            self.batches += 1
            if self.batches == 1:
                self.first_batch_after = self.elapsed()
            if message.message_id != f"{self.campaign_id}.recipients.{self.batches}":
                self.out_of_order += 1
        elif message.message_id == f"{self.campaign_id}.snapshotted":
            self.streamed_after = self.elapsed()
            self.streamed.set()

    async def follow(self, db: asyncpg.Connection[Any], pid: int) -> None:
        """Until the snapshot is streamed: when it commits, and the resolver's RSS."""
        while not self.streamed.is_set():
            self.peak_rss_mb = max(self.peak_rss_mb, rss_mb(pid))
            if self.committed_after is None and await db.fetchval(
                "SELECT EXISTS (SELECT 1 FROM audience.snapshots WHERE campaign_id = $1)",
                self.campaign_id,
            ):
                self.committed_after = self.elapsed()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.streamed.wait(), 0.02)
            if self.elapsed() > 300:
                raise TimeoutError("the snapshot was not streamed within 300 s")


async def measure_snapshot(
    client: RabbitBroker, rabbitmq_url: str, database_url: str, pid: int
) -> tuple[SnapshotWatch, int]:
    """The snapshot of SNAPSHOT_FILTER, watched; and its size."""
    connection = await aio_pika.connect(rabbitmq_url)
    db = await asyncpg.connect(database_url)
    try:
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=200)
        queue = await channel.declare_queue(
            BENCH_QUEUE, durable=True, arguments={"x-queue-type": "quorum"}
        )
        for key in (RoutingKey.RECIPIENTS_RESOLVED, RoutingKey.AUDIENCE_SNAPSHOTTED):
            await queue.bind(INTERNAL_EXCHANGE, routing_key=key)
        watch = SnapshotWatch()
        consumer_tag = await queue.consume(watch.on_message)
        request = AudienceSnapshotRequestedV1(
            campaign_id=watch.campaign_id,
            tenant_id=TENANT_ID,
            connection_id=MAIN_CONNECTION,
            audience=SNAPSHOT_FILTER,
            batch_size=1000,
        )
        watch.started = time.monotonic()
        await client.publish(
            encode(request),
            exchange=INTERNAL_EXCHANGE,
            routing_key=RoutingKey.AUDIENCE_SNAPSHOT,
            persist=True,
            content_type="application/json",
        )
        await watch.follow(db, pid)
        size: int = await db.fetchval(
            "SELECT audience_size FROM audience.snapshots WHERE campaign_id = $1",
            watch.campaign_id,
        )
        await queue.cancel(consumer_tag)
        return watch, size
    finally:
        await db.close()
        await connection.close()


async def bench(total: int, keep: bool) -> None:
    rabbitmq_url = os.environ.get("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/resolver-dev")
    base_url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/campaigns")
    database_url = with_database(base_url, BENCH_DATABASE)
    await recreate_database(database_url)
    await delete_queues(rabbitmq_url, RESOLVER_QUEUES)
    resolver = ServiceProcess(
        name="audience-resolver-bench",
        module="audience_resolver",
        port=RESOLVER_PORT,
        env={
            "RABBITMQ_URL": rabbitmq_url,
            "DATABASE_URL": database_url,
            "AUDIENCE_RESOLVER_PORT": str(RESOLVER_PORT),
            "LOG_LEVEL": "WARNING",
        },
        log_dir=Path(tempfile.gettempdir()),
    )
    client = RabbitBroker(rabbitmq_url, log_level=logging.WARNING)
    resolver.start()
    try:
        await resolver.wait_healthy()
        assert resolver.process is not None
        pid = resolver.process.pid
        await client.connect()
        cpu_before_import = cpu_seconds(pid)
        import_rate = await load(client, resolver, total)
        import_cpu = cpu_seconds(pid) - cpu_before_import
        rss_after_import = rss_mb(pid)
        await vacuum_analyze(database_url)
        estimates = {name: await estimate_p50(client, f) for name, f in ESTIMATE_FILTERS.items()}
        rss_before_snapshot = rss_mb(pid)
        cpu_before_snapshot = cpu_seconds(pid)
        snapshot, snapshot_size = await measure_snapshot(client, rabbitmq_url, database_url, pid)
        snapshot_cpu = cpu_seconds(pid) - cpu_before_snapshot
        peak_ever = rss_mb(pid, "VmHWM")
    finally:
        await client.stop()
        resolver.stop()
        await delete_queues(rabbitmq_url, [*RESOLVER_QUEUES, BENCH_QUEUE])
        if not keep:
            await drop_database(database_url)

    print()
    print(f"contacts imported        {total:,} ({import_rate:,.0f} rows/s)")
    print(f"  resolver CPU           {import_cpu:.1f} s")
    print(f"resolver RSS             {rss_after_import:.0f} MB after the import")
    for name, (p50, size) in estimates.items():
        print(f"estimate p50             {p50:6.1f} ms  {size:>9,}  {name}")
    print(f"snapshot                 {snapshot_size:,} recipients")
    print(f"  committed after        {snapshot.committed_after or float('nan'):.2f} s")
    print(f"  first batch received   {snapshot.first_batch_after or float('nan'):.2f} s")
    print(f"  last batch received    {snapshot.streamed_after or float('nan'):.2f} s")
    print(f"  batches                {snapshot.batches} (out of order: {snapshot.out_of_order})")
    print(f"  resolver CPU           {snapshot_cpu:.1f} s")
    print(
        f"  resolver RSS           {rss_before_snapshot:.0f} MB before, "
        f"{snapshot.peak_rss_mb:.0f} MB peak while streaming (process peak ever {peak_ever:.0f} MB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    asyncio.run(bench(args.contacts, args.keep))


if __name__ == "__main__":
    main()
