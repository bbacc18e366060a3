"""Services that start together each make sure their database exists."""

from __future__ import annotations

import asyncio
import uuid
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from service_kit.database import ensure_database
from test_support.infrastructure import drop_database


async def test_processes_starting_together_each_find_or_make_the_database(
    database_url: str,
) -> None:
    parts = urlsplit(database_url)
    fresh = urlunsplit(parts._replace(path=f"/starting_{uuid.uuid4().hex[:12]}"))
    try:
        await asyncio.gather(*(ensure_database(fresh) for _ in range(8)))
        connection = await asyncpg.connect(fresh)
        await connection.close()
    finally:
        await drop_database(fresh)
