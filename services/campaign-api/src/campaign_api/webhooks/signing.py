"""Signatures of webhook deliveries, the way Stripe signs its own.

`Campaigns-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, with
the webhook's secret as the key.  The timestamp is signed with the body, so a
receiver that refuses signatures older than a few minutes cannot be replayed an
old delivery.  Several `v1=` (during a secret's rotation) may follow one `t=`."""

from __future__ import annotations

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "Campaigns-Signature"
EVENT_ID_HEADER = "Campaigns-Event-Id"
EVENT_TYPE_HEADER = "Campaigns-Event-Type"
SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)


def new_secret() -> str:
    """A webhook's secret: 32 random bytes, URL-safe base64, with a prefix that
    makes it recognisable (in a leak scanner, in a config)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(
    secret: str, header: str, body: bytes, *, now: int, tolerance_seconds: int = 300
) -> bool:
    """Whether `header` signs `body` with `secret` within `tolerance_seconds` of
    `now`: what a receiver checks (the README shows it stand-alone)."""
    parts = [part.split("=", 1) for part in header.split(",") if "=" in part]
    stamps = [value for key, value in parts if key == "t"]
    if len(stamps) != 1 or not stamps[0].isdigit():
        return False
    timestamp = int(stamps[0])
    if abs(now - timestamp) > tolerance_seconds:
        return False
    expected = signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, value) for key, value in parts if key == "v1")
