"""dispatcher-whatsapp settings, from the environment."""

from __future__ import annotations

from contracts.optout import DEFAULT_LANGUAGE, STOP_HINTS
from dispatch_core.settings import DispatchSettings


class Settings(DispatchSettings):
    """`WHATSAPP_API_BASE` (the Cloud API's versioned base URL; a local simulator in
    tests), `DISPATCHER_WHATSAPP_PORT` (8084), `WHATSAPP_REQUEST_TIMEOUT_SECONDS`,
    `WHATSAPP_STOP_HINT` (appended to every text to a recipient whose language has no
    hint of its own: English and the languages not in `contracts.optout.STOP_HINTS`,
    unless the connection sets `limits.stop_hint`), `WHATSAPP_RATE_LIMIT_FIRST_WAIT_SECONDS`
    (the wait after a first rate-limit answer; each next one in a row waits 4 times
    longer)."""

    whatsapp_api_base: str = "https://graph.facebook.com/v21.0"
    dispatcher_whatsapp_port: int = 8084
    whatsapp_request_timeout_seconds: float = 30.0
    whatsapp_stop_hint: str = STOP_HINTS[DEFAULT_LANGUAGE]
    whatsapp_rate_limit_first_wait_seconds: float = 4.0
