"""dispatcher-instagram: Instagram accounts through the Messaging API."""

from __future__ import annotations

from dispatch_core.service import build_dispatcher_app
from starlette.applications import Starlette

from .messaging_api import messaging_api_clients
from .policies import instagram_policies
from .settings import Settings


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()
    return build_dispatcher_app(
        name="instagram",
        channels=["instagram"],
        settings=settings,
        port=settings.dispatcher_instagram_port,
        migrations=None,  # no tables beyond dispatch-core's
        client_factory=messaging_api_clients(
            settings.instagram_api_base,
            timeout=settings.instagram_request_timeout_seconds,
            rate_limit_first_wait=settings.instagram_rate_limit_first_wait_seconds,
        ),
        policies=instagram_policies,
        track_inbound=True,
    )
