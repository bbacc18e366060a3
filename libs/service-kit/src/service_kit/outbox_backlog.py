"""How far the outbox is behind: `outbox_pending` (rows not yet published) and
`outbox_oldest_pending_age_seconds` (0 when it is empty).

The relay measures them every few seconds.  Every process of a service reads the
same table, so its replicas report the same figures: aggregate them with `max`.
The query reads the whole table, which the relay keeps small (it deletes what
it published); while it is large the figures matter more than its cost.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import asyncpg
from prometheus_client import CollectorRegistry, Gauge

from .sql import sql_loader

OUTBOX_BACKLOG = sql_loader(Path(__file__).parent / "sql")("outbox_backlog")


class OutboxBacklog:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.pending = Gauge("outbox_pending", "Outbox rows not yet published", registry=registry)
        self.oldest_age = Gauge(
            "outbox_oldest_pending_age_seconds",
            "Age of the oldest outbox row not yet published; 0 when there is none",
            registry=registry,
        )

    async def measure(self, pool: asyncpg.Pool[Any]) -> None:
        """Read the backlog now and set the gauges."""
        row = await pool.fetchrow(OUTBOX_BACKLOG)
        assert row is not None  # an aggregate always returns its row
        self.pending.set(row["pending"])
        self.oldest_age.set(row["oldest_age_seconds"])
