"""Tenants and their sender accounts (connections), as the services learn of them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from .base import ConnectionChannel, ConnectionId, Input, Message, TenantId, UtcDatetime
from .optout import STOP_HINT_MAX_LENGTH, STOP_WORDS, names_stop_word

Plan = Literal["free", "paid"]
DEFAULT_MONTHLY_LIMIT: dict[str, int] = {"free": 500, "paid": 4000}


class TenantUpdatedV1(Message):
    """`tenant.updated.v1`: a tenant's plan, monthly limit or subscription changed."""

    tenant_id: TenantId
    plan: Plan
    monthly_limit: int = Field(ge=0)
    subscription_ends_at: UtcDatetime | None
    updated_at: UtcDatetime


def _names_stop_word(hint: str) -> str:
    if not names_stop_word(hint):
        raise ValueError(
            "the hint must name a word that opts out, so people know what to reply: "
            + ", ".join(word.upper() for word in STOP_WORDS)
        )
    return hint


LanguageCode = Annotated[
    str, StringConstraints(pattern=r"^[a-z]{2,3}$"), Field(description="`en`, `ru`, `pt`, ...")
]
StopHint = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=STOP_HINT_MAX_LENGTH),
    AfterValidator(_names_stop_word),
]


class ConnectionLimits(Input):
    """Per-connection overrides of the channel's policy defaults (absent: the default)."""

    rate_per_second: float | None = Field(
        default=None, gt=0, le=1000, description="messages per second from this account"
    )
    per_recipient_interval_seconds: float | None = Field(
        default=None, ge=0, description="least time between two messages to one person"
    )
    max_in_flight: int | None = Field(
        default=None, ge=1, le=256, description="requests to the platform at once"
    )
    min_gap_seconds: float | None = Field(
        default=None, ge=0, description="least time between two messages from this account"
    )
    daily_recipient_cap: int | None = Field(
        default=None, ge=0, description="most people messaged per day"
    )
    warmup_days: int | None = Field(
        default=None, ge=0, description="days after first use with no mass sending"
    )
    warmup_start_per_day: int | None = Field(default=None, ge=0)
    warmup_daily_increase: int | None = Field(default=None, ge=0)
    max_attempts: int | None = Field(
        default=None, ge=1, le=20, description="attempts of a transiently failing message"
    )
    reply_window_hours: float | None = Field(
        default=None, ge=0, description="only people who wrote within this many hours"
    )
    stop_hint: dict[LanguageCode, StopHint] | None = Field(
        default=None,
        max_length=50,
        description="WhatsApp: the tenant's own wording of the hint that ends every text, "
        'by the recipient\'s language (`{"en": "Reply STOP to opt out"}`); each must '
        "name a word that opts out.  Languages not given keep the built-in wording.",
    )


class ConnectionUpdatedV1(Message):
    """`connection.updated.v1`: a sender account was created, changed or removed.
    Its credentials travel sealed (`sealed_credentials`), never in clear: only the
    services given `SECRETS_KEYS` open them."""

    tenant_id: TenantId
    connection_id: ConnectionId
    channel: ConnectionChannel
    credentials: dict[str, str] = Field(
        default_factory=dict,
        description="Deprecated, empty: the credentials travel in `sealed_credentials`. "
        "A consumer seals what a publisher of an earlier version sent here before it "
        "stores it.",
        json_schema_extra={"deprecated": True},
    )
    sealed_credentials: str | None = Field(
        default=None,
        max_length=65536,
        description="The credentials, a JSON object, sealed with the newest of the "
        "`SECRETS_KEYS` (a Fernet token); absent only from a publisher of an earlier version",
    )
    limits: ConnectionLimits = Field(default_factory=ConnectionLimits)
    first_used_at: UtcDatetime | None = None
    deleted: bool = False
    updated_at: UtcDatetime


def credentials_digest(credentials: Mapping[str, str]) -> str:
    """Tells one set of credentials from another without carrying the secret: the
    same credentials always give the same digest, whichever service computes it."""
    canonical = json.dumps(dict(credentials), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


class ConnectionCheckedV1(Message):
    """`connection.checked.v1`: the platform accepted a connection's credentials
    when asked (`POST /v1/connections/{id}/check`).  A dispatcher lifts a pause it
    made because the platform refused these same credentials (`credentials_digest`
    of them); a pause of other credentials, or for another reason, stays."""

    tenant_id: TenantId
    connection_id: ConnectionId
    channel: ConnectionChannel
    credentials_digest: str = Field(
        pattern=r"^[0-9a-f]{32}$", description="`credentials_digest()` of the checked credentials"
    )
    checked_at: UtcDatetime


class ConnectionStateV1(Message):
    """`connection.state.v1`: a dispatcher paused a connection (the platform banned,
    restricted or refused it: nothing is sent until `paused_until`), or lifted such a
    pause early (new credentials, or a successful check of the refused ones).  A
    pause that simply runs out is not announced: it ends at `paused_until`.  Of two
    states of one connection the later `changed_at` holds."""

    tenant_id: TenantId
    connection_id: ConnectionId
    paused: bool
    paused_until: UtcDatetime | None = Field(
        default=None, description="When the pause ends by itself (paused only)"
    )
    code: str | None = Field(
        default=None, max_length=200, description="The platform's answer that paused it"
    )
    reason: str | None = Field(
        default=None, max_length=2000, description="Why, in words (paused only)"
    )
    changed_at: UtcDatetime
