"""What the use cases run on: the database, the broker, the settings."""

from __future__ import annotations

from dataclasses import dataclass

from service_kit.runtime import ServiceRuntime
from service_kit.secrets import SecretBox

from ..auth import Authenticator
from ..repo import Pool
from ..resends import Resends
from ..settings import Settings
from ..submissions import Submissions
from ..webhooks.sender import WebhookSender


@dataclass(frozen=True)
class AppServices:
    settings: Settings
    runtime: ServiceRuntime
    pool: Pool
    auth: Authenticator
    submissions: Submissions
    resends: Resends
    box: SecretBox
    """Seals and opens the connections' credentials (`SECRETS_KEYS`)."""
    webhooks: WebhookSender
    """Sends the webhooks' deliveries (and a test event at once)."""
