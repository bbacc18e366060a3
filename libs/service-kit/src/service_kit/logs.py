"""JSON logs: every line one JSON object with the service name, level and time.

Logs of the libraries (uvicorn, faststream, aio-pika, asyncpg) go through the
same renderer.  Handlers bind `campaign_id` with `bound_contextvars`.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

import structlog
from structlog.types import EventDict, Processor

_QUIET = ("aiormq", "aio_pika", "asyncio", "uvicorn.access", "faststream.access", "httpx")
"""Loggers kept to warnings; `httpx` logs each request's URL at INFO, and a
Telegram bot's URL holds its token."""


BROKER_LOGGER = "service_kit.broker"
"""The logger faststream's broker is given (`ServiceRuntime`): its lines go through
the root's JSON handler, where faststream's own logger would print coloured text
(and a logger under `faststream` would too: that one has its handler and does not
propagate)."""

_RECONNECTING = {
    # a handler cancelled because the broker closed its channel: redelivered later
    BROKER_LOGGER: re.compile(r"^CancelledError: .*CONNECTION_FORCED"),
    "aiormq.connection": re.compile(
        r"^(Unexpected connection close from remote|error when creating transport)"
    ),
    "aio_pika.tools": re.compile(r"RobustChannel\._on_close .* error: ChannelInvalidStateError"),
}
"""What faststream, aio-pika and aiormq log at ERROR while the broker restarts (the
handlers it cancelled, the connection closed by it, each channel's close callback, each
refused reconnect attempt),
though they reconnect by themselves: a service that cannot reconnect fails
`/health` instead."""


class _BrokerRestartAsWarning(logging.Filter):
    """Logs a broker restart's expected errors at WARNING, so ERROR keeps meaning
    something went wrong (about 10 ERROR lines per service per restart before)."""

    def filter(self, record: logging.LogRecord) -> bool:
        pattern = _RECONNECTING.get(record.name)
        if record.levelno > logging.WARNING and pattern and pattern.search(record.getMessage()):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


_BROKER_RESTART_AS_WARNING = _BrokerRestartAsWarning()


def _add_service(service: str) -> Processor:
    def processor(_: Any, __: str, event: EventDict) -> EventDict:
        event.setdefault("service", service)
        return event

    return processor


def configure_logging(service: str, level: str = "INFO") -> None:
    """Route structlog and the standard library's logging to JSON on stdout."""
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        _add_service(service),
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            # tracebacks without local variables: they may hold credentials
            structlog.processors.ExceptionRenderer(
                structlog.tracebacks.ExceptionDictTransformer(show_locals=False)
            ),
            structlog.processors.JSONRenderer(),
        ],
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    for name in _RECONNECTING:
        logging.getLogger(name).addFilter(_BROKER_RESTART_AS_WARNING)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    logger: structlog.stdlib.BoundLogger = structlog.get_logger(name)
    return logger
