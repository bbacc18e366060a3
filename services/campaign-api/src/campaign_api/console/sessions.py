"""Signing in to the console with a tenant's API key, and the session it makes.

The browser keeps a random token in an HttpOnly, SameSite=Strict cookie; the
database keeps its SHA-256 (`repo.console_sessions`).  Each session has its own
CSRF token, which every form and script call sends back.  A session ends when the
person signs out, when it expires, or when its API key is revoked."""

from __future__ import annotations

import hmac
import secrets
import uuid
from dataclasses import dataclass

from ..auth import hash_key
from ..domain.model import Principal, Refusal
from ..repo import console_sessions as sessions_repo
from ..usecases.services import AppServices

COOKIE = "console_session"


@dataclass(frozen=True)
class ConsoleSession:
    principal: Principal
    csrf_token: str

    @property
    def is_admin(self) -> bool:
        return self.principal.role == "admin"

    def csrf_matches(self, presented: str | None) -> bool:
        return presented is not None and hmac.compare_digest(presented, self.csrf_token)


async def sign_in(svc: AppServices, api_key: str) -> str:
    """A new session for a tenant's live API key: the token for the cookie."""
    principal = await svc.auth.principal(api_key.strip())
    if principal is None:
        raise Refusal("unknown or revoked API key", "unknown_key", status=401)
    if principal.tenant_id is None:
        raise Refusal(
            "the platform key manages tenants only: sign in with a tenant's API key",
            "forbidden",
            status=403,
        )
    token = secrets.token_urlsafe(32)
    await sessions_repo.insert_session(
        svc.pool,
        hash_key(token),
        uuid.UUID(principal.key_id),
        secrets.token_urlsafe(32),
        svc.settings.console_session_hours * 3600,
    )
    return token


async def session_of(svc: AppServices, token: str | None) -> ConsoleSession | None:
    if not token:
        return None
    stored = await sessions_repo.session_by_hash(svc.pool, hash_key(token))
    return ConsoleSession(stored.principal, stored.csrf_token) if stored else None


async def sign_out(svc: AppServices, token: str | None) -> None:
    if token:
        await sessions_repo.delete_session(svc.pool, hash_key(token))
