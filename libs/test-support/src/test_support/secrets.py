"""The key a test run seals credentials with, and credentials sealed as the
campaign-api publishes them (`connection.updated.v1`)."""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping

from service_kit.secrets import SecretBox, parse_keys


def new_secrets_key() -> str:
    """A Fernet key, as `Fernet.generate_key()` makes one: 32 random bytes."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def run_box() -> SecretBox:
    """The box of this run's `SECRETS_KEYS` (set by `test_support.fixtures`)."""
    return SecretBox(parse_keys(os.environ["SECRETS_KEYS"]))


def sealed(credentials: Mapping[str, str]) -> str:
    return run_box().seal_credentials(credentials)
