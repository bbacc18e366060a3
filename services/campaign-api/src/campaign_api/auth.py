"""API keys: random, shown once, stored as SHA-256 hashes.

A key belongs to one tenant with a role (`admin` or `operator`); the platform
key from the settings manages tenants.  Keys are long random strings, so a plain
SHA-256 is the right hash: there is nothing to brute-force."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from .domain.model import Principal
from .repo import Pool
from .repo import accounts as accounts_repo

KEY_PREFIX = "cmp_"


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
        return await accounts_repo.principal_by_key_hash(self._pool, hashed)
