"""API keys: random, shown once, stored as SHA-256 hashes.

A key belongs to one tenant with a role (`admin` or `operator`); the platform
key from the settings manages tenants.  Keys are long random strings, so a plain
SHA-256 is the right hash: there is nothing to brute-force.  A revoked key is
refused from the next request on.  Each key's `last_used_at` is written at most
once a minute (`USED_EVERY_SECONDS`), not on every request."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from datetime import UTC, datetime, timedelta

from .domain.model import Principal
from .repo import Pool
from .repo import api_keys as api_keys_repo

KEY_PREFIX = "cmp_"
USED_EVERY_SECONDS = 60.0


def hash_key(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


def new_api_key() -> tuple[str, bytes, str]:
    """A new key, its hash, and the prefix shown in listings."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    return key, hash_key(key), key[:10]


class Authenticator:
    def __init__(self, pool: Pool, platform_key: str) -> None:
        self._pool = pool
        self._platform_hash = hash_key(platform_key)

    async def principal(self, key: str) -> Principal | None:
        hashed = hash_key(key)
        if hmac.compare_digest(hashed, self._platform_hash):
            return Principal(tenant_id=None, role="platform", key_id="platform")
        holder = await api_keys_repo.holder_by_key_hash(self._pool, hashed)
        if holder is None:
            return None
        if _due(holder.last_used_at):
            await api_keys_repo.mark_used(
                self._pool, uuid.UUID(holder.principal.key_id), USED_EVERY_SECONDS
            )
        return holder.principal


def _due(last_used_at: datetime | None) -> bool:
    """Whether a key last marked used at `last_used_at` is to be marked again."""
    if last_used_at is None:
        return True
    return datetime.now(UTC) - last_used_at >= timedelta(seconds=USED_EVERY_SECONDS)
