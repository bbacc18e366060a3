"""Recipients and compose requests as the scheduler sends them, the OpenAI-compatible
simulator, and the composer's backends configured for tests."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from ai_composer.backends.openai_backend import OpenAIBackend
from ai_composer.metrics import ComposerMetrics
from contracts.audience import Recipient
from contracts.base import ConnectionChannel
from contracts.composer import ComposeJob, ComposeRequestedV1
from platform_sim import RunningSimulators, SimControl, start_simulators
from prometheus_client import CollectorRegistry

API_KEY = "sk-test-composer-1234"
MODEL = "gpt-test-mini"
PROMPT = "Invite the customer to our wine tasting on Friday at 7 pm; mention their city."
FALLBACK = "Hello, {name|there}! Join our wine tasting this Friday at 7 pm."

RecipientFactory = Callable[..., Recipient]
RequestFactory = Callable[..., ComposeRequestedV1]
BackendFactory = Callable[..., OpenAIBackend]

NAMES = ["Alice Smith", "Bob Jones", "Carol White", "Dan Brown", "Eve Black", "Frank Green"]
CITIES = ["Berlin", "Madrid", "Paris", "Lisbon", "London", "Rome"]


@pytest.fixture
def recipient() -> RecipientFactory:
    """`recipient(3)`: recipient 3 with a name, city and label; override any field."""

    def make(number: int, **fields: Any) -> Recipient:
        values: dict[str, Any] = {
            "recipient_no": number,
            "contact_id": f"tg-main:{1000 + number}",
            "external_id": str(1000 + number),
            "name": f"{NAMES[number % len(NAMES)]} {number}",
            "locale": "en",
            "labels": ["vip"] if number % 2 else ["newsletter"],
            "attributes": {"city": CITIES[number % len(CITIES)]},
        }
        values.update(fields)
        return Recipient(**values)

    return make


@pytest.fixture
def compose_request(recipient: RecipientFactory) -> RequestFactory:
    """`compose_request(5)`: a new campaign's request for recipients 1..5."""

    def make(
        count: int = 3,
        *,
        recipients: list[Recipient] | None = None,
        campaign_id: uuid.UUID | None = None,
        channel: ConnectionChannel = "telegram_bot",
        tenant_id: str = "acme",
        connection_id: str = "tg-main",
        prompt: str = PROMPT,
        fallback_text: str = FALLBACK,
    ) -> ComposeRequestedV1:
        chosen = recipients or [recipient(n) for n in range(1, count + 1)]
        campaign = campaign_id or uuid.uuid4()
        released_at = datetime.now(UTC)
        return ComposeRequestedV1(
            tenant_id=tenant_id,
            connection_id=connection_id,
            channel=channel,
            prompt=prompt,
            fallback_text=fallback_text,
            jobs=[
                ComposeJob(
                    campaign_id=campaign,
                    recipient_no=r.recipient_no,
                    step_no=1,
                    recipient=r,
                    released_at=released_at,
                )
                for r in chosen
            ],
        )

    return make


@pytest.fixture(scope="session")
async def sims() -> AsyncIterator[RunningSimulators]:
    running = await start_simulators(telegram=None, whatsapp=None, instagram=None, openai=0)
    yield running
    await running.close()


@pytest.fixture
async def model(sims: RunningSimulators) -> AsyncIterator[SimControl]:
    """The simulated model, reset to its defaults."""
    async with sims.control("openai") as control:
        await control.reset()
        yield control


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
def metrics(registry: CollectorRegistry) -> ComposerMetrics:
    return ComposerMetrics(registry)


@pytest.fixture
async def openai_backend(
    sims: RunningSimulators, metrics: ComposerMetrics
) -> AsyncIterator[BackendFactory]:
    """`openai_backend(timeout_seconds=0.3)`: a backend on the simulator, closed after the test."""
    made: list[OpenAIBackend] = []

    def make(**overrides: Any) -> OpenAIBackend:
        options: dict[str, Any] = {
            "base_url": sims.base_url("openai"),
            "api_key": API_KEY,
            "model": MODEL,
            "concurrency": 8,
            "timeout_seconds": 2.0,
            "max_retries": 2,
            "backoff_seconds": 0.01,
            "metrics": metrics,
        }
        options.update(overrides)
        backend = OpenAIBackend(**options)
        made.append(backend)
        return backend

    yield make
    for backend in made:
        await backend.close()


def counted(registry: CollectorRegistry, counter: str, **labels: str) -> float:
    """How many `counter` (without `_total`) has counted with these labels."""
    return registry.get_sample_value(f"{counter}_total", labels) or 0.0
