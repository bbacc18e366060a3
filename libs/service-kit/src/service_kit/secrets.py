"""Secrets at rest and on the broker: a `SecretBox` seals a text (a connection's
credentials) with the newest of the keys in `SECRETS_KEYS` and opens what any of
them sealed, so keys can be rotated: put a new key first, keep the old ones after
it until everything sealed with them was sealed again (`rotate`), then drop them.

A sealed text is a Fernet token (AES-128-CBC with HMAC-SHA256, from the
`cryptography` package): it cannot be read or altered without a key, and says
nothing of the secret but its length.  Neither a key nor a secret appears in an
error's message."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from .errors import StartupRefused
from .logs import get_logger
from .settings import SecretsSettings

log = get_logger(__name__)

MAKE_A_KEY = (
    "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
)

DEVELOPMENT_KEY = "ZGV2ZWxvcG1lbnQgb25seTogbm90IGEgc2VjcmV0ISE="
"""The key of `ENVIRONMENT=development` without `SECRETS_KEYS`: written here, so
it keeps nothing secret from anyone who reads this file."""


class SecretUnreadable(Exception):
    """None of the keys opens this sealed text: it was sealed with a key that
    `SECRETS_KEYS` no longer holds, or it is not a sealed text at all."""


def parse_keys(text: str) -> list[str]:
    """`SECRETS_KEYS` as a list: comma-separated, blanks around each ignored."""
    return [key.strip() for key in text.split(",") if key.strip()]


class SecretBox:
    """Seals with the first (newest) key; opens with any."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise StartupRefused(_missing_keys())
        fernets = [_fernet(key, number, len(keys)) for number, key in enumerate(keys, 1)]
        self._newest = fernets[0]
        self._any = MultiFernet(fernets)

    @classmethod
    def from_settings(cls, settings: SecretsSettings) -> SecretBox:
        """The box of `SECRETS_KEYS`; without it, the development key when
        `ENVIRONMENT` is `development`, else `StartupRefused`."""
        keys = parse_keys(settings.secrets_keys.get_secret_value())
        if not keys and settings.development:
            log.warning(
                "SECRETS_KEYS is not set: ENVIRONMENT=development seals credentials with "
                "the built-in development key, which keeps them from no one"
            )
            keys = [DEVELOPMENT_KEY]
        return cls(keys)

    def seal(self, text: str) -> str:
        return self._newest.encrypt(text.encode()).decode("ascii")

    def open(self, sealed: str) -> str:
        try:
            return self._any.decrypt(sealed.encode("ascii")).decode()
        except (InvalidToken, UnicodeError):
            raise SecretUnreadable(
                "a sealed secret that none of SECRETS_KEYS opens: the key that sealed it "
                "was removed (put it back, after the newest), or it was never sealed"
            ) from None

    def sealed_with_newest(self, sealed: str) -> bool:
        try:
            self._newest.decrypt(sealed.encode("ascii"))
        except (InvalidToken, UnicodeError):
            return False
        return True

    def rotate(self, sealed: str) -> str:
        """The same secret sealed with the newest key (`SecretUnreadable` if no key
        opens it)."""
        return self.seal(self.open(sealed))

    def seal_credentials(self, credentials: Mapping[str, str]) -> str:
        return self.seal(json.dumps(dict(credentials), sort_keys=True, separators=(",", ":")))

    def open_credentials(self, sealed: str) -> dict[str, str]:
        opened: Any = json.loads(self.open(sealed))
        if not isinstance(opened, dict):
            raise SecretUnreadable("a sealed secret that holds no credentials")
        return {str(key): str(value) for key, value in opened.items()}


def _fernet(key: str, number: int, count: int) -> Fernet:
    try:
        return Fernet(key)
    except (ValueError, TypeError):
        raise StartupRefused(
            f"SECRETS_KEYS: key {number} of {count} is not a Fernet key (32 bytes in "
            f"url-safe base64, 44 characters); make one with {MAKE_A_KEY}"
        ) from None


def _missing_keys() -> str:
    return (
        "SECRETS_KEYS is not set: it seals the platforms' credentials this service keeps. "
        f"Make a key with {MAKE_A_KEY} and give every service the same SECRETS_KEYS "
        "(newest key first, comma-separated); only ENVIRONMENT=development runs without one"
    )
