"""Recipient rows: loaded from the snapshot, claimed when due, moved on by outcomes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from contracts.audience import Recipient
from contracts.dispatch import DeliveryResult
from pydantic import TypeAdapter

from ..domain.model import Applied, Released
from . import Conn, sql

INSERT_SNAPSHOT_BATCH = sql("insert_snapshot_batch")
INSERT_RECIPIENTS = sql("insert_recipients")
ADD_LOADED_BATCH = sql("add_loaded_batch")
CLAIM_DUE_RECIPIENTS = sql("claim_due_recipients")
APPLY_RESULTS = sql("apply_results")
CLOSE_WAITING_RECIPIENTS = sql("close_waiting_recipients")
CLOSE_RECIPIENTS = sql("close_recipients")
WAIT_AGAIN = sql("wait_again")

RECIPIENTS = TypeAdapter(list[Recipient])


async def load_batch(
    conn: Conn,
    campaign_id: UUID,
    batch_no: int,
    recipients: list[Recipient],
    due_at: datetime,
    *,
    store: bool = True,
    due_times: list[datetime] | None = None,
) -> bool:
    """Store one snapshot batch once; False when it was stored before.
    `store=False` (a cancelled campaign) counts the batch in without its rows;
    `due_times` (one per recipient, in order) replace `due_at` (quiet hours)."""
    if await conn.fetchval(INSERT_SNAPSHOT_BATCH, campaign_id, batch_no) is None:
        return False
    if store:
        # one JSON array, serialised in one go, rather than a jsonb value per row
        rows = RECIPIENTS.dump_json(recipients).decode()
        await conn.execute(INSERT_RECIPIENTS, campaign_id, rows, due_at, due_times)
    await conn.execute(ADD_LOADED_BATCH, campaign_id, len(recipients))
    return True


async def claim_due(conn: Conn, campaign_id: UUID, limit: int) -> list[Released]:
    """Mark up to `limit` due recipients released (their next step) and return them;
    they come back as one JSON array, read in one go; each recipient as stored
    (validated when its snapshot batch came), not validated again."""
    claimed: str = await conn.fetchval(CLAIM_DUE_RECIPIENTS, campaign_id, limit)
    return [_released(row) for row in json.loads(claimed)]


def _released(row: dict[str, Any]) -> Released:
    released_at = datetime.fromisoformat(row["released_at"])
    if released_at.tzinfo is not UTC:  # the session's time zone is not UTC
        released_at = released_at.astimezone(UTC)
    return Released(
        row["recipient_no"], row["step_no"], row["recipient"], released_at, row["quota_taken"]
    )


async def apply_results(
    conn: Conn,
    campaign_id: UUID,
    results: list[DeliveryResult],
    step_delays: list[float],
    *,
    chains_go_on: bool = True,
    step_not_before: list[datetime | None] | None = None,
) -> list[Applied]:
    """Move recipients on; results for deliveries not in flight are ignored.
    A next step is due its delay after this one was sent, and not before its
    `step_not_before` (a step given a date and time).
    `chains_go_on=False` (a cancelled campaign): no recipient waits for a next step.
    The caller holds the campaign's row (`campaigns.lock`), so the recipients' rows
    are not locked one by one."""
    rows = await conn.fetch(
        APPLY_RESULTS,
        campaign_id,
        [r.recipient_no for r in results],
        [r.step_no for r in results],
        [r.status for r in results],
        [r.sent_at for r in results],
        len(step_delays),
        step_delays,
        chains_go_on,
        step_not_before or [None] * len(step_delays),
    )
    return [
        Applied(
            recipient_no=row["recipient_no"],
            step_no=row["step_no"],
            status=row["status"],
            done=row["state"] == "done",
            due_at=row["due_at"],
            timezone=row["timezone"],
            since_release=row["since_release"],
        )
        for row in rows
    ]


async def close_waiting(conn: Conn, campaign_id: UUID) -> list[tuple[int, int]]:
    """End every chain not in flight; returns (recipient_no, first step never sent)."""
    rows = await conn.fetch(CLOSE_WAITING_RECIPIENTS, campaign_id)
    return [(row["recipient_no"], row["step_no"]) for row in rows]


async def close(conn: Conn, campaign_id: UUID, recipient_nos: list[int]) -> None:
    """End released recipients' chains without sending (a limit was reached)."""
    await conn.execute(CLOSE_RECIPIENTS, campaign_id, recipient_nos)


async def wait_again(conn: Conn, campaign_id: UUID, due: dict[int, datetime]) -> None:
    """Recipients (released or waiting) wait again, each until its own time."""
    await conn.execute(WAIT_AGAIN, campaign_id, list(due), list(due.values()))
