"""Run one service: JSON logs, then uvicorn on the service's port."""

from __future__ import annotations

from typing import Any

import uvicorn

from .logs import configure_logging


def serve(app: Any, *, service: str, host: str, port: int, log_level: str = "INFO") -> None:
    """Blocks until SIGTERM/SIGINT; the app's lifespan starts and stops the service."""
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
    uvicorn.Server(config).run()
