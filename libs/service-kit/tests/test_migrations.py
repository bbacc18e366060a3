"""Migrations on the real database: an applied file that changed stops the start."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from service_kit.migrations import MigrationChanged, checksum, migrate

pytestmark = pytest.mark.integration


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool[Any]]:
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2)
    yield pool
    await pool.close()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "001_things.sql").write_text("CREATE TABLE things (id int PRIMARY KEY);")
    return tmp_path


async def test_an_applied_migration_that_changed_stops_the_start_naming_it(
    pool: asyncpg.Pool[Any], folder: Path
) -> None:
    assert await migrate(pool, "m", folder) == ["kit/001_outbox.sql", "001_things.sql"]
    (folder / "001_things.sql").write_text("CREATE TABLE things (id bigint PRIMARY KEY);")
    (folder / "002_more.sql").write_text("ALTER TABLE things ADD COLUMN name text;")

    with pytest.raises(MigrationChanged, match=r"migration 001_things\.sql of schema m changed"):
        await migrate(pool, "m", folder)
    versions = await pool.fetch("SELECT version FROM m.schema_migrations")
    assert "002_more.sql" not in {row["version"] for row in versions}  # nothing applied

    (folder / "001_things.sql").write_text("CREATE TABLE things (id int PRIMARY KEY);")
    assert await migrate(pool, "m", folder) == ["002_more.sql"]


async def test_migrations_applied_before_checksums_take_the_files_checksum(
    pool: asyncpg.Pool[Any], folder: Path
) -> None:
    await migrate(pool, "m", folder)
    await pool.execute("UPDATE m.schema_migrations SET checksum = NULL")

    assert await migrate(pool, "m", folder) == []
    recorded = await pool.fetchval(
        "SELECT checksum FROM m.schema_migrations WHERE version = '001_things.sql'"
    )
    assert recorded == checksum((folder / "001_things.sql").read_text())
