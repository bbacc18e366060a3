"""The AI composer: its handlers, a backend to write with, and its store."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from contracts.names import RoutingKey
from service_kit.logs import get_logger
from service_kit.runtime import ServiceRuntime
from service_kit.subscribers import routers_of
from starlette.applications import Starlette

from .backends.base import Backend
from .backends.builtin import BuiltinBackend
from .backends.openai_backend import OpenAIBackend
from .composer import Composer
from .handlers import Handlers
from .metrics import ComposerMetrics
from .samples import Samples
from .settings import Settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
NO_API_KEY = "unset"
"""Sent when COMPOSER_OPENAI_API_KEY is not set: enough for a local model server."""

log = get_logger(__name__)


def create_backend(settings: Settings, metrics: ComposerMetrics) -> Backend:
    if settings.backend == "builtin":
        return BuiltinBackend()
    key = settings.composer_openai_api_key
    return OpenAIBackend(
        base_url=settings.openai_base_url,
        api_key=key.get_secret_value() if key else NO_API_KEY,
        model=settings.composer_model,
        concurrency=settings.composer_concurrency,
        timeout_seconds=settings.composer_timeout_seconds,
        max_retries=settings.composer_max_retries,
        backoff_seconds=settings.composer_retry_backoff_seconds,
        metrics=metrics,
    )


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()
    runtime = ServiceRuntime("ai-composer", settings, schema="ai_composer", migrations=MIGRATIONS)
    metrics = ComposerMetrics(runtime.registry)
    backend = create_backend(settings, metrics)
    composer = Composer(
        lambda: runtime.pool,
        backend,
        metrics,
        max_attempts=settings.composer_max_attempts,
        chunk_size=settings.composer_chunk_size,
        chunk_seconds=settings.composer_chunk_seconds,
        deadline_seconds=settings.composer_deadline_seconds,
    )
    samples = Samples(
        backend,
        metrics,
        max_attempts=settings.composer_max_attempts,
        deadline_seconds=settings.composer_sample_deadline_seconds,
    )
    handlers = Handlers(composer, samples, runtime.publisher, prefetch=settings.composer_prefetch)
    runtime.include(*routers_of(handlers))
    runtime.publishes(RoutingKey.DISPATCH_SEND)

    async def announce_backend() -> None:
        if backend.name == "builtin":
            log.warning(
                "composing with the built-in writer, which is not an LLM",
                backend="builtin",
                chosen_by=settings.backend_chosen_by,
            )
        else:
            log.info(
                "composing with an OpenAI-compatible model",
                backend="openai",
                chosen_by=settings.backend_chosen_by,
                model=settings.composer_model,
                base_url=settings.openai_base_url,
                api_key_set=settings.composer_openai_api_key is not None,
            )

    runtime.on_started(announce_backend)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        try:
            async with runtime.running():
                yield
        finally:
            await backend.close()  # after the consumers stopped: none is mid-request

    app = Starlette(routes=runtime.routes(), lifespan=lifespan)
    app.state.runtime = runtime
    return app
