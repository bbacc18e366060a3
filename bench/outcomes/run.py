"""How long campaign-api takes to write delivery outcomes: a campaign of 100,000
pending deliveries in a fresh database (the service's migrations, its triggers
included), then `repo.deliveries.record_results` with the outcomes 1,000 at a
time, as `delivery.reported.v1` brings them; the time per 1,000, and this
process's CPU per 1,000 (decoding each `delivery.reported.v1` body as the
service's subscriber does, then recording it: campaign-api's own share, not
PostgreSQL's).

Two such campaigns take turns, batch by batch: one's outcomes carry the text
that was sent (90 % are sent), the other's none (as before the texts were kept),
so the two figures, measured side by side, give the text's cost.  DATABASE_URL names the server
(a database `campaigns_bench_outcomes_<random>` is made on it and dropped)."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from campaign_api.app import MIGRATIONS
from campaign_api.repo.deliveries import record_results
from contracts.dispatch import DeliveriesReportedV1, DeliveryResult
from service_kit.database import create_pool
from service_kit.migrations import migrate
from test_support.infrastructure import create_fresh_database, drop_database

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import DATABASE_URL
from console.seed import CONTENT, INSERT_CAMPAIGNS, STEPS

INSERT_PENDING = """
INSERT INTO campaign_api.deliveries (campaign_id, recipient_no, step_no, contact_id,
                                     external_id, recipient_name)
SELECT $1, r, 1, 'contact-' || r, (700000000 + r)::text, 'Person ' || r
FROM generate_series(1, $2::int) AS r
"""
TEXT = (
    "Hi Person, our spring offer is here: 20% off every plan until Sunday. "
    "Reply to this message to get your code, or STOP to hear no more from us."
)


def outcomes(campaign_id: uuid.UUID, first: int, count: int, text: bool) -> list[DeliveryResult]:
    now = datetime.now(UTC)
    return [
        DeliveryResult.model_validate(
            {
                "campaign_id": campaign_id,
                "recipient_no": n,
                "step_no": 1,
                "status": "sent" if n % 10 else "failed",
                "attempts": 1,
                "platform_message_id": str(900000 + n) if n % 10 else None,
                "error_code": None if n % 10 else "403",
                "error_reason": None if n % 10 else "Forbidden: bot was blocked by the user",
                "sent_at": now if n % 10 else None,
                "finished_at": now,
                **({"text": TEXT} if text and n % 10 else {}),
            }
        )
        for n in range(first, first + count)
    ]


def report(results: list[DeliveryResult]) -> bytes:
    """The `delivery.reported.v1` body a dispatcher would publish."""
    return (
        DeliveriesReportedV1(tenant_id="bench", connection_id="bot", results=results)
        .model_dump_json()
        .encode()
    )


async def run(arguments: argparse.Namespace) -> None:
    url = await create_fresh_database(DATABASE_URL, prefix="campaigns_bench_outcomes")
    pool = await create_pool(url, "campaign_api", application_name="bench-outcomes")
    try:
        await migrate(pool, "campaign_api", MIGRATIONS)
        await pool.execute(INSERT_CAMPAIGNS, "bench", ["bot"], CONTENT, STEPS, "k", 2, arguments.n)
        campaigns = [row["id"] for row in await pool.fetch("SELECT id FROM campaign_api.campaigns")]
        for campaign_id in campaigns:
            await pool.execute(INSERT_PENDING, campaign_id, arguments.n)
        await pool.execute("VACUUM ANALYZE campaign_api.deliveries")
        times: dict[bool, list[float]] = {False: [], True: []}
        cpu: dict[bool, float] = {False: 0.0, True: 0.0}
        for first in range(1, arguments.n + 1, arguments.batch):
            for campaign_id, text in zip(campaigns, (False, True), strict=True):
                body = report(outcomes(campaign_id, first, arguments.batch, text))
                started, cpu_started = time.perf_counter(), time.process_time()
                event = DeliveriesReportedV1.model_validate_json(body)
                await record_results(pool, event.results)
                times[text].append(time.perf_counter() - started)
                cpu[text] += time.process_time() - cpu_started
        for text, taken in times.items():
            print(
                f"{arguments.n} outcomes {'with' if text else 'without'} their text, "
                f"{arguments.batch} at a time: mean {statistics.mean(taken) * 1000:.1f} ms, "
                f"median {statistics.median(taken) * 1000:.1f} ms per {arguments.batch}; "
                f"this process's CPU {cpu[text] / arguments.n * 1000:.4f} s per 1000 "
                "(decoding and recording)"
            )
    finally:
        await pool.close()
        await drop_database(url)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    asyncio.run(run(parser.parse_args()))
