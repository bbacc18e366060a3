"""AI-composer benchmark (not a test): how fast texts are written, and how
different they are, with the built-in writer and with a model 200 ms away.

    .venv/bin/python bench/composer/run.py [--recipients 1000] [--model-latency-ms 200]
    .venv/bin/python bench/composer/run.py --quick      # 100 recipients: a smoke run

Per backend:

* the backend alone, in this process: `--recipients` drafts through the
  backend's own code, as many at once as the service's COMPOSER_CONCURRENCY
  (default setting) allows; drafts per second and the p50/p99 of one draft;
* the service, `python -m ai_composer` as its own process on RABBITMQ_URL and a
  fresh database `campaigns_composer_bench` beside the one DATABASE_URL names:
  one campaign of `--recipients` sent as compose requests of 500 (as the
  scheduler releases them), read back from the connection's dispatch queue;
  composed texts per second from the first request to the last job, and the
  p50/p99 of request published -> its job on the dispatch queue.  Then the
  variety of the campaign's texts (see variety.py), with PASS/FAIL against the
  issue's targets: 100% distinct, at least 95% of pairs distinct beyond the
  name.  Twice: for a mixed audience (names, cities, labels, orders, five
  locales), and for one known by nothing but a name.

The model is the OpenAI-compatible simulator of tools/platform-sim
(`python -m platform_sim --openai-port ... --latency-ms ...`), as its own process.
The exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import random
import socket
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aio_pika
import asyncpg
import httpx
from ai_composer.backends.base import Backend
from ai_composer.backends.builtin import BuiltinBackend
from ai_composer.backends.openai_backend import OpenAIBackend
from ai_composer.domain.model import Brief
from ai_composer.metrics import ComposerMetrics
from ai_composer.settings import Settings
from contracts.audience import Recipient
from contracts.composer import ComposeJob, ComposeRequestedV1
from contracts.dispatch import DispatchRequestedV1, OutboundText
from contracts.names import INTERNAL_EXCHANGE, Queue, RoutingKey, dispatch_queue
from faststream.rabbit import RabbitBroker
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families
from service_kit.publishing import encode
from service_kit.topology import quorum_queue
from test_support.infrastructure import delete_queues, with_database
from test_support.processes import ServiceProcess
from test_support.waiting import eventually
from variety import Variety, measure

BENCH_DATABASE = "campaigns_composer_bench"
COMPOSER_PORT = 18086
TENANT_ID = "bench-tenant"
CONNECTION_ID = "tg-bench"
BATCH = 500
API_KEY = "sk-bench-0000"
PROMPT = (
    "Invite the customer to our autumn wine tasting on Friday at 7 pm, with 20% off every "
    "bottle bought that evening. Mention their city."
)
FALLBACK = "Hello, {first_name|there}! Join our wine tasting this Friday at 7 pm."

FIRST_NAMES = [
    "Alice", "Bob", "Carol", "Dan", "Eve", "Frank", "Grace", "Heidi", "Ivan", "Judy",
    "Karl", "Lena", "Marta", "Nils", "Olga", "Pablo", "Quinn", "Rosa", "Sven", "Tomás",
]  # fmt: skip
LAST_NAMES = ["Smith", "Müller", "García", "Martin", "Rossi", "Silva", "Novak", "Berg"]
LOCALES = ["en"] * 10 + ["de"] * 4 + ["es"] * 3 + ["fr"] * 2 + ["pt-BR"]
CITIES = ["Berlin", "Madrid", "Paris", "Lisbon", "London", "Rome", "Vienna", "Porto"]
LABELS = {"customer": 0.9, "newsletter": 0.4, "vip": 0.1, "wine-lovers": 0.2}
FAVOURITES = ["red wine", "sparkling wine", "cheese", "craft beer", None, None, None]


DISTINCT_TARGET = 1.0
BEYOND_NAME_TARGET = 0.95


def recipients(count: int, seed: int = 11) -> list[Recipient]:
    """A campaign's audience: names (5% unknown), locales, cities, labels, orders."""
    rng = random.Random(seed)
    people = []
    for number in range(1, count + 1):
        named = rng.random() > 0.05
        attributes: dict[str, str | int | float | bool | None] = {
            "city": rng.choice(CITIES),
            "orders": rng.randrange(6),
            "favorite": rng.choice(FAVOURITES),
        }
        people.append(
            Recipient(
                recipient_no=number,
                contact_id=f"{CONNECTION_ID}:{100_000 + number}",
                external_id=str(100_000 + number),
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" if named else None,
                locale=rng.choice(LOCALES),
                labels=[label for label, share in LABELS.items() if rng.random() < share],
                attributes=attributes,
            )
        )
    return people


def name_only(count: int, seed: int = 12) -> list[Recipient]:
    """An audience known by nothing but a name: no locale, labels or attributes."""
    rng = random.Random(seed)
    return [
        Recipient(
            recipient_no=number,
            contact_id=f"{CONNECTION_ID}:{200_000 + number}",
            external_id=str(200_000 + number),
            name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        )
        for number in range(1, count + 1)
    ]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


@dataclass(frozen=True)
class Timing:
    per_second: float
    p50_ms: float
    p99_ms: float


async def closed_loop(
    draft: Callable[[int], Awaitable[object]], count: int, concurrency: int
) -> Timing:
    """`count` calls of `draft`, `concurrency` at a time, each timed."""
    numbers = iter(range(1, count + 1))
    timings: list[float] = []

    async def worker() -> None:
        for number in numbers:
            started = time.perf_counter()
            await draft(number)
            timings.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return Timing(
        count / elapsed, percentile(timings, 0.5) * 1000, percentile(timings, 0.99) * 1000
    )


async def backend_alone(backend: Backend, people: list[Recipient], concurrency: int) -> Timing:
    campaign_id = uuid.uuid4()

    async def draft(number: int) -> object:
        brief = Brief(campaign_id, number, 1, PROMPT, "telegram_bot", people[number - 1])
        return await backend.write(brief)

    return await closed_loop(draft, len(people), concurrency)


@dataclass(frozen=True)
class ServiceRun:
    timing: Timing
    compositions: Counter[str]
    variety: Variety
    counters: dict[str, float]
    sample: list[str]


async def recreate_database(url: str) -> None:
    admin = await asyncpg.connect(with_database(url, "postgres"))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    finally:
        await admin.close()


COUNTERS = ("composer_regenerations", "composer_fallbacks", "composer_model_retries")


async def composer_counters(base_url: str) -> dict[str, float]:
    """The service's regenerations, fallbacks and model retries, each summed over its labels."""
    async with httpx.AsyncClient(timeout=5.0) as http:
        text = (await http.get(f"{base_url}/metrics/")).text
    counters = dict.fromkeys(COUNTERS, 0.0)
    for family in text_string_to_metric_families(text):
        if family.name in counters:
            counters[family.name] = sum(
                sample.value for sample in family.samples if sample.name.endswith("_total")
            )
    return counters


async def through_service(
    rabbitmq_url: str, database_url: str, env: dict[str, str], people: list[Recipient]
) -> ServiceRun:
    await recreate_database(database_url)
    queue_name = dispatch_queue("telegram", TENANT_ID, CONNECTION_ID)
    await delete_queues(rabbitmq_url, [Queue.COMPOSER_COMPOSE, queue_name])
    composer = ServiceProcess(
        name="ai-composer-bench",
        module="ai_composer",
        port=COMPOSER_PORT,
        env={
            "RABBITMQ_URL": rabbitmq_url,
            "DATABASE_URL": database_url,
            "AI_COMPOSER_PORT": str(COMPOSER_PORT),
            "LOG_LEVEL": "WARNING",
            **env,
        },
        log_dir=Path(tempfile.gettempdir()),
    )
    client = RabbitBroker(rabbitmq_url, log_level=logging.WARNING)
    composer.start()
    try:
        await composer.wait_healthy()
        await client.connect()
        queue = await client.declare_queue(quorum_queue(queue_name, single_active_consumer=True))
        arrived: dict[int, tuple[float, str, str]] = {}
        done = asyncio.Event()

        async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            async with message.process():
                now = time.perf_counter()
                for job in DispatchRequestedV1.model_validate_json(message.body).jobs:
                    assert isinstance(job.content, OutboundText)
                    arrived[job.recipient_no] = (now, job.content.text, job.composition)
                if len(arrived) >= len(people):
                    done.set()

        await queue.consume(on_message)
        campaign_id = uuid.uuid4()
        published: dict[int, float] = {}
        first = time.perf_counter()
        for start in range(0, len(people), BATCH):
            batch = people[start : start + BATCH]
            request = ComposeRequestedV1(
                tenant_id=TENANT_ID,
                connection_id=CONNECTION_ID,
                channel="telegram_bot",
                prompt=PROMPT,
                fallback_text=FALLBACK,
                jobs=[
                    ComposeJob(
                        campaign_id=campaign_id,
                        recipient_no=r.recipient_no,
                        step_no=1,
                        recipient=r,
                        released_at=datetime.now(UTC),
                    )
                    for r in batch
                ],
            )
            sent_at = time.perf_counter()
            await client.publish(
                encode(request),
                exchange=INTERNAL_EXCHANGE,
                routing_key=RoutingKey.COMPOSE,
                persist=True,
                content_type="application/json",
            )
            published.update({r.recipient_no: sent_at for r in batch})
        await asyncio.wait_for(done.wait(), timeout=600)
        last = max(at for at, _, _ in arrived.values())
        latencies = [arrived[n][0] - published[n] for n in published]
        counters = await composer_counters(composer.base_url)
    finally:
        await client.stop()
        composer.stop()
        await delete_queues(rabbitmq_url, [Queue.COMPOSER_COMPOSE, queue_name])
    texts = [arrived[r.recipient_no][1] for r in people]
    return ServiceRun(
        timing=Timing(
            len(people) / (last - first),
            percentile(latencies, 0.5) * 1000,
            percentile(latencies, 0.99) * 1000,
        ),
        compositions=Counter(arrived[r.recipient_no][2] for r in people),
        variety=measure(texts, [r.name for r in people]),
        counters=counters,
        sample=texts[:3],
    )


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def report_backend(title: str, alone: Timing, concurrency: int) -> None:
    print(f"\n== {title}")
    print(
        f"backend alone            {alone.per_second:9,.0f} drafts/s   p50 {alone.p50_ms:8.2f} ms"
        f"   p99 {alone.p99_ms:8.2f} ms   (concurrency {concurrency})"
    )


def report_service(audience: str, service: ServiceRun) -> bool:
    """The service's figures for one audience; whether the variety targets are met."""
    variety = service.variety
    distinct_ok = variety.distinct >= DISTINCT_TARGET
    beyond_ok = variety.pairs_distinct_beyond_name >= BEYOND_NAME_TARGET
    print(f"-- {audience}, {variety.texts:,} recipients")
    print(
        f"service, broker + DB     {service.timing.per_second:9,.0f} texts/s    "
        f"p50 {service.timing.p50_ms:8.0f} ms   p99 {service.timing.p99_ms:8.0f} ms"
        "   (request published -> job on the dispatch queue)"
    )
    print(f"compositions             {dict(service.compositions)}")
    print(
        "regenerations {composer_regenerations:,.0f}, fallbacks {composer_fallbacks:,.0f}, "
        "model retries {composer_model_retries:,.0f}".format(**service.counters)
    )
    print(
        f"distinct texts           {variety.distinct:8.3%}   target {DISTINCT_TARGET:.0%}      "
        f"{verdict(distinct_ok)}"
    )
    print(
        f"pairs distinct w/o name  {variety.pairs_distinct_beyond_name:8.3%}   target >= "
        f"{BEYOND_NAME_TARGET:.0%}   {verdict(beyond_ok)}"
    )
    print(f"mean word distance       {variety.mean_word_distance:.3f} (Jaccard, names removed)")
    print(f"pairs < 80% words shared {variety.pairs_mostly_different:.1%}")
    for text in service.sample:
        print("  | " + text.replace("\n", "\n  | "))
    return bool(distinct_ok and beyond_ok)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.asynccontextmanager
async def model_simulator(latency_ms: float) -> AsyncIterator[str]:
    """The OpenAI-compatible simulator as its own process; yields its base URL."""
    port = free_port()
    command = ["-m", "platform_sim", "--openai-port", str(port), "--latency-ms", str(latency_ms)]
    simulator = await asyncio.create_subprocess_exec(
        sys.executable, *command, stdout=asyncio.subprocess.DEVNULL
    )
    root = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(timeout=1.0) as http:

            async def answers() -> bool:
                try:
                    return (await http.get(f"{root}/_sim/config")).status_code == 200
                except httpx.TransportError:
                    return False

            await eventually(answers, timeout=20, what="the model simulator to answer")
        yield f"{root}/v1"
    finally:
        simulator.terminate()
        await simulator.wait()


async def run(count: int, model_latency_ms: float) -> bool:
    """Every measurement; whether every variety target was met."""
    rabbitmq_url = os.environ.get("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")
    base_url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/campaigns")
    database_url = with_database(base_url, BENCH_DATABASE)
    concurrency = Settings().composer_concurrency
    mixed = recipients(count)
    audiences = {
        "mixed audience (names, cities, labels, orders, locales)": mixed,
        "name-only audience": name_only(count),
    }
    met = []

    builtin_alone = await backend_alone(BuiltinBackend(), mixed, concurrency)
    report_backend("built-in writer (not an LLM)", builtin_alone, concurrency)
    for audience, people in audiences.items():
        builtin = await through_service(
            rabbitmq_url, database_url, {"COMPOSER_BACKEND": "builtin"}, people
        )
        met.append(report_service(audience, builtin))

    async with model_simulator(model_latency_ms) as model_url:
        model = OpenAIBackend(
            base_url=model_url,
            api_key=API_KEY,
            model="gpt-4o-mini",
            concurrency=concurrency,
            timeout_seconds=20.0,
            max_retries=3,
            backoff_seconds=0.5,
            metrics=ComposerMetrics(CollectorRegistry()),
        )
        try:
            model_alone = await backend_alone(model, mixed, concurrency)
        finally:
            await model.close()
        report_backend(
            f"OpenAI backend, simulated model at {model_latency_ms:.0f} ms",
            model_alone,
            concurrency,
        )
        env = {"COMPOSER_OPENAI_BASE_URL": model_url, "COMPOSER_OPENAI_API_KEY": API_KEY}
        for audience, people in audiences.items():
            through_model = await through_service(rabbitmq_url, database_url, env, people)
            met.append(report_service(audience, through_model))
    admin = await asyncpg.connect(with_database(base_url, "postgres"))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
    finally:
        await admin.close()
    print(f"\nvariety targets: {verdict(all(met))}")
    return all(met)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--model-latency-ms", type=float, default=200.0)
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: 100 recipients per campaign"
    )
    args = parser.parse_args()
    count = 100 if args.quick else args.recipients
    sys.exit(0 if asyncio.run(run(count, args.model_latency_ms)) else 1)


if __name__ == "__main__":
    main()
