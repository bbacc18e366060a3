"""dispatcher-instagram settings, from the environment."""

from __future__ import annotations

from dispatch_core.settings import DispatchSettings


class Settings(DispatchSettings):
    """`INSTAGRAM_API_BASE` (the Graph API's versioned base URL; a local simulator in
    tests), `DISPATCHER_INSTAGRAM_PORT` (8085), `INSTAGRAM_REQUEST_TIMEOUT_SECONDS`,
    `INSTAGRAM_RATE_LIMIT_FIRST_WAIT_SECONDS` (the wait after a first rate-limit
    answer; each next one in a row waits 4 times longer)."""

    instagram_api_base: str = "https://graph.instagram.com/v21.0"
    dispatcher_instagram_port: int = 8085
    instagram_request_timeout_seconds: float = 30.0
    instagram_rate_limit_first_wait_seconds: float = 4.0
