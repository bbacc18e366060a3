"""What each kind of sender account needs, and how its secrets are shown."""

from __future__ import annotations

from collections.abc import Mapping

from contracts.base import ConnectionChannel

from .model import Refusal

REQUIRED_CREDENTIALS: dict[str, tuple[str, ...]] = {
    "telegram_bot": ("token",),
    "telegram_user": ("session",),
    "whatsapp": ("access_token", "phone_number_id"),
    "instagram": ("access_token",),
}
_SHOWN = ("phone_number_id", "ig_id")


def check_credentials(channel: ConnectionChannel, credentials: Mapping[str, str]) -> None:
    missing = [key for key in REQUIRED_CREDENTIALS[channel] if not credentials.get(key)]
    if missing:
        raise Refusal(
            f"a {channel} connection needs credentials.{', credentials.'.join(missing)}",
            "missing_credentials",
        )


def mask(secret: str) -> str:
    return "****" + secret[-4:] if len(secret) > 8 else "****"


def mask_credentials(credentials: Mapping[str, str]) -> dict[str, str]:
    """Identifiers stay readable; secrets show their last four characters at most."""
    return {key: value if key in _SHOWN else mask(value) for key, value in credentials.items()}
