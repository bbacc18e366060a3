"""A connection's credentials are stored and published sealed: raw SQL on the
table and the `connection.updated.v1` on the broker show no part of the token,
and the API shows it masked.  Credentials stored in clear by the version before
are sealed when the service starts, and those sealed with a key no longer the
newest are sealed again with it, so the old key can be dropped."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import aio_pika
import asyncpg
import pytest
from campaign_api.app import MIGRATIONS
from campaign_api.repo.accounts import CREDENTIALS
from contracts.names import INTERNAL_EXCHANGE, RoutingKey
from contracts.tenants import ConnectionUpdatedV1
from service_kit.database import create_pool
from service_kit.migrations import migrate
from service_kit.sealing import Sealed, seal_stored
from service_kit.secrets import SecretBox
from test_support.secrets import new_secrets_key, run_box

from .conftest import Api, Tenant

pytestmark = pytest.mark.integration

SECRET = "EAAG-sealed-access-token-never-in-clear"
CREDENTIALS_IN = {"access_token": SECRET, "phone_number_id": "1055599"}


async def raw_row(api: Api, tenant: Tenant, connection_id: str) -> asyncpg.Record:
    conn = await asyncpg.connect(api.database_url)
    try:
        row = await conn.fetchrow(
            "SELECT c::text AS text, c.sealed_credentials, c.legacy_credentials"
            " FROM campaign_api.connections c WHERE tenant_id = $1 AND id = $2",
            tenant.id,
            connection_id,
        )
    finally:
        await conn.close()
    assert row is not None
    return row


async def test_a_saved_connection_is_stored_and_published_sealed(api: Api, tenant: Tenant) -> None:
    connection = await aio_pika.connect(api.rabbitmq_url)
    async with connection:
        channel = await connection.channel()
        updates = await channel.declare_queue("", exclusive=True)
        await updates.bind(INTERNAL_EXCHANGE, RoutingKey.CONNECTION_UPDATED)
        body = {"channel": "whatsapp", "credentials": CREDENTIALS_IN}
        saved = await api.call(tenant.admin, "PUT", "/v1/connections/wa-sealed", json=body)
        assert saved.status_code == 201, saved.text
        async with asyncio.timeout(10), updates.iterator() as messages:
            async for message in messages:
                await message.ack()
                event = ConnectionUpdatedV1.model_validate_json(message.body)
                if event.tenant_id == tenant.id and event.connection_id == "wa-sealed":
                    break
    assert SECRET.encode() not in message.body
    assert event.credentials == {}
    assert event.sealed_credentials is not None
    assert run_box().open_credentials(event.sealed_credentials) == CREDENTIALS_IN

    row = await raw_row(api, tenant, "wa-sealed")
    assert SECRET not in row["text"]
    assert row["legacy_credentials"] is None
    assert run_box().open_credentials(row["sealed_credentials"]) == CREDENTIALS_IN

    for path in ("/v1/connections", "/v1/connections/wa-sealed"):
        shown = await api.call(tenant.admin, "GET", path, expect=200)
        assert SECRET not in shown.text
    shown_one = await api.call(tenant.admin, "GET", "/v1/connections/wa-sealed", expect=200)
    assert shown_one.json()["credentials"] == {
        "access_token": "****" + SECRET[-4:],
        "phone_number_id": "1055599",
    }


async def test_clear_credentials_of_the_version_before_are_sealed_then_rotated(
    database_url: str, tmp_path: Path
) -> None:
    """What the service does at start-up (`seal_stored` on the migrated table)."""
    before = tmp_path / "migrations"
    before.mkdir()
    for path in sorted(MIGRATIONS.glob("*.sql")):
        if "sealed_credentials" not in path.name:
            shutil.copy(path, before / path.name)
    pool = await create_pool(database_url, "campaign_api", application_name="test")
    try:
        await migrate(pool, "campaign_api", before)
        await pool.execute("INSERT INTO tenants (id, plan, monthly_limit) VALUES ('t', 'paid', 10)")
        await pool.execute(
            "INSERT INTO connections (tenant_id, id, channel, credentials)"
            " VALUES ('t', 'wa', 'whatsapp', $1)",
            CREDENTIALS_IN,
        )

        old_key = new_secrets_key()
        old = SecretBox([old_key])
        await migrate(pool, "campaign_api", MIGRATIONS)
        assert await seal_stored(pool, old, CREDENTIALS) == Sealed(clear=1)
        row = await pool.fetchrow("SELECT c::text AS text, c.* FROM connections c")
        assert row is not None
        assert SECRET not in row["text"]
        assert row["legacy_credentials"] is None
        assert old.open_credentials(row["sealed_credentials"]) == CREDENTIALS_IN
        assert await seal_stored(pool, old, CREDENTIALS) == Sealed()  # once

        # a new key first: what the old one sealed still opens, and is sealed again
        new_key = new_secrets_key()
        rotated = SecretBox([new_key, old_key])
        assert rotated.open_credentials(row["sealed_credentials"]) == CREDENTIALS_IN
        assert await seal_stored(pool, rotated, CREDENTIALS) == Sealed(resealed=1)
        resealed = await pool.fetchval("SELECT sealed_credentials FROM connections")
        assert SecretBox([new_key]).open_credentials(resealed) == CREDENTIALS_IN
    finally:
        await pool.close()
