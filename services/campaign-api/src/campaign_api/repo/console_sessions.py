"""The console's sessions: a token's hash, the API key it signed in with, its CSRF token."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from ..domain.model import Principal
from . import Pool, sql
from .api_keys import principal_of

INSERT_CONSOLE_SESSION = sql("insert_console_session")
SELECT_CONSOLE_SESSION = sql("select_console_session")
DELETE_CONSOLE_SESSION = sql("delete_console_session")


@dataclass(frozen=True)
class StoredSession:
    """Who a live session speaks for, and the token its forms must carry."""

    principal: Principal
    csrf_token: str


async def insert_session(
    pool: Pool, token_hash: bytes, key_id: uuid.UUID, csrf_token: str, lifetime_seconds: float
) -> None:
    await pool.execute(INSERT_CONSOLE_SESSION, token_hash, key_id, csrf_token, lifetime_seconds)


async def session_by_hash(pool: Pool, token_hash: bytes) -> StoredSession | None:
    """The session with this token hash; None when unknown, expired, or its key revoked."""
    row = await pool.fetchrow(SELECT_CONSOLE_SESSION, token_hash)
    if row is None:
        return None
    return StoredSession(principal_of(row), row["csrf_token"])


async def delete_session(pool: Pool, token_hash: bytes) -> None:
    """End the session (and any that have expired)."""
    await pool.execute(DELETE_CONSOLE_SESSION, token_hash)
