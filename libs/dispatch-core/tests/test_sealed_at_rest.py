"""A dispatcher's table keeps credentials only sealed: those stored in clear by
the version before are sealed when it starts (and no longer in clear), those
sealed with an older key are sealed again with the newest, and the connection
is served with them opened."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from dispatch_core import repo
from service_kit.database import create_pool
from service_kit.migrations import migrate
from service_kit.sealing import Sealed, seal_stored
from service_kit.secrets import SecretBox
from test_support.secrets import new_secrets_key

pytestmark = pytest.mark.integration

SCHEMA = "dispatcher_telegram"
TOKEN = "555000333:AAat-rest-token-that-stays-sealed-00"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


async def test_clear_credentials_are_sealed_at_start_then_rotated(
    database_url: str, tmp_path: Path
) -> None:
    before = tmp_path / "dispatch-core"
    before.mkdir()
    for path in sorted(repo.MIGRATIONS.glob("*.sql")):
        if "sealed_credentials" not in path.name:
            shutil.copy(path, before / path.name)
    pool = await create_pool(database_url, SCHEMA, application_name="test")
    try:
        await migrate(pool, SCHEMA, None, [("dispatch-core", before)])
        await pool.execute(
            "INSERT INTO connections (tenant_id, connection_id, channel, credentials, updated_at)"
            " VALUES ('t1', 'bot', 'telegram_bot', $1, now())",
            {"token": TOKEN},
        )
        await migrate(pool, SCHEMA, None, [("dispatch-core", repo.MIGRATIONS)])

        old_key, new_key = new_secrets_key(), new_secrets_key()
        assert await seal_stored(pool, SecretBox([old_key]), repo.CREDENTIALS) == Sealed(clear=1)
        text = await pool.fetchval("SELECT c::text FROM connections c")
        assert TOKEN.split(":")[1] not in text

        rotated = SecretBox([new_key, old_key])
        (config,), _ = await repo.connections_changed_since(pool, ["telegram_bot"], EPOCH, rotated)
        assert config.credentials == {"token": TOKEN}  # the old key still opens it
        assert await seal_stored(pool, rotated, repo.CREDENTIALS) == Sealed(resealed=1)
        alone = SecretBox([new_key])
        (config,), _ = await repo.connections_changed_since(pool, ["telegram_bot"], EPOCH, alone)
        assert config.credentials == {"token": TOKEN}  # the old key can go

        # a box without the key that sealed it serves nothing, and says so
        stranger = SecretBox([new_secrets_key()])
        changed_at = await pool.fetchval("SELECT changed_at FROM connections")
        assert await repo.connections_changed_since(pool, ["telegram_bot"], EPOCH, stranger) == (
            [],
            changed_at,
        )
    finally:
        await pool.close()
