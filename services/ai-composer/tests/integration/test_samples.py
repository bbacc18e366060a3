"""A dry run's sample texts (`compose.samples.v1`, request/reply): written by the
campaigns' own path against the OpenAI simulator, answered to the asker only,
nothing kept or counted as a campaign's, and within the time the asker waits."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import asyncpg
import pytest
from ai_composer.app import create_app
from ai_composer.metrics import ComposerMetrics
from ai_composer.samples import EXPIRED, Samples
from ai_composer.settings import Settings
from contracts.base import utc_now
from contracts.composer import ComposedSamplesV1, ComposeSamplesRequestedV1
from contracts.names import INTERNAL_EXCHANGE, RoutingKey
from faststream.rabbit import RabbitBroker
from platform_sim import RunningSimulators, SimControl
from prometheus_client import CollectorRegistry
from service_kit.publishing import encode

from ..conftest import (
    API_KEY,
    FALLBACK,
    PROMPT,
    BackendFactory,
    RecipientFactory,
    RequestFactory,
    counted,
)
from .conftest import ComposerFactory
from .test_composer import compose

pytestmark = pytest.mark.integration


def samples_request(
    recipient: RecipientFactory, count: int, **fields: Any
) -> ComposeSamplesRequestedV1:
    values: dict[str, Any] = {
        "tenant_id": "acme",
        "connection_id": "tg-main",
        "channel": "telegram_bot",
        "prompt": PROMPT,
        "fallback_text": FALLBACK,
        "recipients": [recipient(n) for n in range(1, count + 1)],
        "answer_by": utc_now() + timedelta(seconds=15),
    }
    values.update(fields)
    return ComposeSamplesRequestedV1(**values)


@asynccontextmanager
async def composer_service(
    rabbitmq_url: str, database_url: str, sims: RunningSimulators, **settings: Any
) -> AsyncIterator[Any]:
    """The composer on the simulated model; yields its runtime."""
    options: dict[str, Any] = {
        "composer_openai_base_url": sims.base_url("openai"),
        "composer_openai_api_key": API_KEY,
        **settings,
    }
    app = create_app(Settings(rabbitmq_url=rabbitmq_url, database_url=database_url, **options))
    async with app.router.lifespan_context(app):
        yield app.state.runtime


async def ask(rabbitmq_url: str, request: ComposeSamplesRequestedV1) -> ComposedSamplesV1:
    client = RabbitBroker(rabbitmq_url)
    await client.connect()
    try:
        reply = await client.request(
            encode(request),
            exchange=INTERNAL_EXCHANGE,
            routing_key=RoutingKey.COMPOSE_SAMPLES,
            timeout=20,
            content_type="application/json",
        )
    finally:
        await client.stop()
    return ComposedSamplesV1.model_validate_json(reply.body)


async def test_samples_come_from_the_model_and_nothing_is_kept_for_a_campaign(
    rabbitmq_url: str,
    database_url: str,
    clean_queues: None,
    sims: RunningSimulators,
    model: SimControl,
    recipient: RecipientFactory,
) -> None:
    request = samples_request(recipient, 3)
    async with composer_service(rabbitmq_url, database_url, sims) as runtime:
        reply = await ask(rabbitmq_url, request)
        registry: CollectorRegistry = runtime.registry
        assert counted(registry, "composer_samples", outcome="written") == 3
        assert counted(registry, "composer_texts", backend="openai", outcome="written") == 0
    assert reply.note is None
    assert [s.recipient_no for s in reply.samples] == [1, 2, 3]
    assert {(s.composition, s.fallback_reason) for s in reply.samples} == {("ai", None)}
    assert len({s.text for s in reply.samples}) == 3
    for sample, person in zip(reply.samples, request.recipients, strict=True):
        assert person.name is not None
        assert person.name in sample.text
    assert len(await model.calls("chat.completions")) == 3
    conn = await asyncpg.connect(database_url)
    try:
        for table in ("compositions", "campaign_texts"):
            assert await conn.fetchval(f"SELECT count(*) FROM ai_composer.{table}") == 0
    finally:
        await conn.close()


async def test_a_sample_asks_the_model_what_a_campaigns_delivery_asks(
    composer: ComposerFactory,
    openai_backend: BackendFactory,
    model: SimControl,
    recipient: RecipientFactory,
    metrics: ComposerMetrics,
    compose_request: RequestFactory,
) -> None:
    """The same prompt building and checks: the model's conversation is the same."""
    backend = openai_backend()
    await compose(composer(backend), compose_request(recipients=[recipient(1)]))
    samples = Samples(backend, metrics, max_attempts=3, deadline_seconds=5)
    await samples.write(samples_request(recipient, 1), utc_now())
    campaign_call, sample_call = await model.calls("chat.completions")
    assert sample_call["params"]["messages"] == campaign_call["params"]["messages"]
    assert sample_call["params"]["model"] == campaign_call["params"]["model"]


@pytest.mark.parametrize(
    ("config", "reason"),
    [({"refuse": True}, "refusal"), ({"reply": "Hi {name}, come on Friday!"}, "rejected")],
)
async def test_a_failed_generation_gives_the_personal_fallback_and_why(
    openai_backend: BackendFactory,
    model: SimControl,
    recipient: RecipientFactory,
    registry: CollectorRegistry,
    metrics: ComposerMetrics,
    config: dict[str, Any],
    reason: str,
) -> None:
    await model.configure(**config)
    samples = Samples(openai_backend(), metrics, max_attempts=2, deadline_seconds=5)
    reply = await samples.write(
        samples_request(recipient, 1, recipients=[recipient(1, name="Alice Smith")]), utc_now()
    )
    [sample] = reply.samples
    assert (sample.composition, sample.fallback_reason) == ("ai_fallback", reason)
    assert sample.text == "Hello, Alice Smith! Join our wine tasting this Friday at 7 pm."
    assert counted(registry, "composer_samples", outcome="fallback") == 1
    assert counted(registry, "composer_fallbacks", reason=reason) == 0  # no campaign's


async def test_a_slow_model_is_cut_short_within_the_asked_time(
    openai_backend: BackendFactory,
    model: SimControl,
    recipient: RecipientFactory,
    metrics: ComposerMetrics,
) -> None:
    await model.configure(latency_ms=5000)
    samples = Samples(
        openai_backend(timeout_seconds=20), metrics, max_attempts=3, deadline_seconds=10
    )
    now = utc_now()
    loop = asyncio.get_running_loop()
    started = loop.time()
    reply = await samples.write(
        samples_request(recipient, 2, answer_by=now + timedelta(seconds=2)), now
    )
    assert loop.time() - started < 1.8  # within answer_by, less the reply's margin
    assert {(s.composition, s.fallback_reason) for s in reply.samples} == {
        ("ai_fallback", "timeout")
    }


async def test_a_request_found_after_its_answer_by_is_answered_without_texts(
    openai_backend: BackendFactory,
    model: SimControl,
    recipient: RecipientFactory,
    metrics: ComposerMetrics,
) -> None:
    samples = Samples(openai_backend(), metrics, max_attempts=3, deadline_seconds=10)
    now = utc_now()
    reply = await samples.write(
        samples_request(recipient, 2, answer_by=now - timedelta(seconds=1)), now
    )
    assert (reply.samples, reply.note) == ([], EXPIRED)
    assert await model.calls("chat.completions") == []
