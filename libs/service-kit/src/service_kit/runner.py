"""Run one service: JSON logs, then uvicorn on the service's port."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

import uvicorn

from .errors import StartupRefused
from .logs import configure_logging

T = TypeVar("T")


def build_or_exit(service: str, build: Callable[[], T]) -> T:
    """What `build` makes, or the process exits (status 1) saying, without a
    traceback, which setting keeps the service from starting."""
    try:
        return build()
    except StartupRefused as refused:
        sys.exit(f"{service} does not start: {refused}")


def serve(app: Any, *, service: str, host: str, port: int, log_level: str = "INFO") -> None:
    """Blocks until SIGTERM/SIGINT; the app's lifespan starts and stops the service.

    The port is bound before the service starts: a second process given a port in
    use exits at once, before it does anything in the slot the port names (a
    dispatcher's lease holder id)."""
    configure_logging(service, log_level)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=20,
    )
    sock = config.bind_socket()
    uvicorn.Server(config).run(sockets=[sock])
