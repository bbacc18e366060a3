"""This service's own table: the people each number messaged per UTC day."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from dispatch_core.repo import Pool
from service_kit.sql import sql_loader

from .domain import TodaysRecipients

sql = sql_loader(Path(__file__).resolve().parent / "sql")
SELECT_DAILY_RECIPIENTS = sql("select_daily_recipients")
INSERT_DAILY_RECIPIENT = sql("insert_daily_recipient")


async def recipients_on(
    pool: Pool, key: tuple[str, str], day: date, external_id: str
) -> TodaysRecipients:
    row = await pool.fetchrow(SELECT_DAILY_RECIPIENTS, key[0], key[1], day, external_id)
    assert row is not None  # an aggregate always answers one row
    return TodaysRecipients(messaged=row["messaged"], includes_this_one=row["includes"])


async def add_recipient(
    pool: Pool, key: tuple[str, str], day: date, external_id: str, at: datetime
) -> None:
    await pool.execute(INSERT_DAILY_RECIPIENT, key[0], key[1], day, external_id, at)
