"""Plain SQL migrations, applied in order on start, each once, under a lock.

The kit's own tables (the outbox) come first, as `kit/NNN_*.sql`; then those of
libraries the service is built on (`<library>/NNN_*.sql`); then the service's
own `migrations/NNN_*.sql`.  Each file runs in one transaction, and its SHA-256
is recorded: a migration whose file changed after it was applied stops the
service at start (`MigrationChanged`), naming the file.  Versions applied before
checksums were recorded take the file's checksum as it is then.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import asyncpg

from .logs import get_logger

log = get_logger(__name__)

KIT_MIGRATIONS = Path(__file__).parent / "migrations"


class MigrationChanged(RuntimeError):
    """An applied migration's file is not what was applied: restore the file and
    put the change in a new migration."""


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _sql_files(directory: Path) -> list[Path]:
    """A migrations folder's files; a folder that is not there is a packaging
    mistake (the SQL left out of the wheel), not an empty list."""
    if not directory.is_dir():
        raise FileNotFoundError(f"migrations folder {directory} is missing")
    return sorted(directory.glob("*.sql"))


def migration_files(
    service_migrations: Path | None, libraries: Sequence[tuple[str, Path]] = ()
) -> list[tuple[str, str]]:
    """(version, SQL) of every migration, in the order they apply.  A service
    with no tables of its own passes `service_migrations=None`."""
    files = [(f"kit/{p.name}", p) for p in _sql_files(KIT_MIGRATIONS)]
    for library, directory in libraries:
        files += [(f"{library}/{p.name}", p) for p in _sql_files(directory)]
    if service_migrations is not None:
        files += [(p.name, p) for p in _sql_files(service_migrations)]
    return [(version, path.read_text(encoding="utf-8")) for version, path in files]


async def migrate(
    pool: asyncpg.Pool[Any],
    schema: str,
    service_migrations: Path | None,
    libraries: Sequence[tuple[str, Path]] = (),
) -> list[str]:
    """Bring `schema` up to date; returns the versions applied now.  Raises
    `MigrationChanged` before applying anything if an applied file changed."""
    files = migration_files(service_migrations, libraries)
    table = f"{_quote(schema)}.schema_migrations"
    applied_now: list[str] = []
    async with pool.acquire() as conn:
        await conn.execute("SELECT pg_advisory_lock(hashtext($1))", f"migrate:{schema}")
        try:
            await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {_quote(schema)}")
            await conn.execute(
                f"CREATE TABLE IF NOT EXISTS {table} ("
                " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
            )
            await conn.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS checksum text")
            rows = await conn.fetch(f"SELECT version, checksum FROM {table}")
            done = {row["version"]: row["checksum"] for row in rows}
            await _check_unchanged(conn, table, schema, files, done)
            for version, statements in files:
                if version in done:
                    continue
                async with conn.transaction():
                    await conn.execute(f"SET LOCAL search_path TO {_quote(schema)}, public")
                    await conn.execute(statements)
                    await conn.execute(
                        f"INSERT INTO {table} (version, checksum) VALUES ($1, $2)",
                        version,
                        checksum(statements),
                    )
                applied_now.append(version)
                log.info("migration applied", schema=schema, version=version)
        finally:
            await conn.execute("SELECT pg_advisory_unlock(hashtext($1))", f"migrate:{schema}")
    return applied_now


def checksum(statements: str) -> str:
    return hashlib.sha256(statements.encode()).hexdigest()


async def _check_unchanged(
    conn: asyncpg.pool.PoolConnectionProxy[Any],
    table: str,
    schema: str,
    files: list[tuple[str, str]],
    done: dict[str, str | None],
) -> None:
    """Every applied migration's file still holds what was applied; one applied
    before checksums were kept takes the file's checksum now."""
    for version, statements in files:
        if version not in done:
            continue
        now = checksum(statements)
        if done[version] is None:
            await conn.execute(f"UPDATE {table} SET checksum = $2 WHERE version = $1", version, now)
        elif done[version] != now:
            raise MigrationChanged(
                f"migration {version} of schema {schema} changed after it was applied "
                f"(recorded sha256 {done[version]}, the file's now {now}): restore the file "
                "and put the change in a new migration"
            )
