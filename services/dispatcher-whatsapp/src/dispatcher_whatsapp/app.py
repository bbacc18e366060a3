"""dispatcher-whatsapp: WhatsApp numbers through the Cloud API."""

from __future__ import annotations

from pathlib import Path

from contracts.base import utc_now
from dispatch_core.ports import Clock
from dispatch_core.service import build_dispatcher_app
from starlette.applications import Starlette

from .cloud_api import cloud_api_clients
from .policies import whatsapp_policies
from .settings import Settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_app(settings: Settings | None = None, *, clock: Clock = utc_now) -> Starlette:
    """`clock`: the time the daily allowance and the outcomes go by (a test's own)."""
    settings = settings or Settings()
    return build_dispatcher_app(
        name="whatsapp",
        channels=["whatsapp"],
        settings=settings,
        port=settings.dispatcher_whatsapp_port,
        migrations=MIGRATIONS,
        client_factory=cloud_api_clients(
            settings.whatsapp_api_base,
            timeout=settings.whatsapp_request_timeout_seconds,
            stop_hint=settings.whatsapp_stop_hint,
            rate_limit_first_wait=settings.whatsapp_rate_limit_first_wait_seconds,
        ),
        policies=whatsapp_policies,
        track_inbound=True,
        clock=clock,
    )
