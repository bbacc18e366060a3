"""Writing a compose request's texts on the real store: checks, regeneration,
fallbacks, and the same text however often a request is handled."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import pytest
from ai_composer.backends.builtin import BuiltinBackend
from ai_composer.composer import Composer
from contracts.composer import ComposeRequestedV1
from contracts.dispatch import DispatchJob, OutboundText
from platform_sim import SimControl
from prometheus_client import CollectorRegistry

from ..conftest import NAMES, BackendFactory, RecipientFactory, RequestFactory, counted
from .conftest import ComposerFactory

pytestmark = pytest.mark.integration


async def compose(composer: Composer, request: ComposeRequestedV1) -> list[DispatchJob]:
    chunks: list[list[DispatchJob]] = []

    async def deliver(jobs: list[DispatchJob]) -> None:
        chunks.append(jobs)

    await composer.compose(request, deliver)
    return sorted((job for chunk in chunks for job in chunk), key=lambda job: job.recipient_no)


def text(job: DispatchJob) -> str:
    assert isinstance(job.content, OutboundText)
    return job.content.text


async def stored(pool: asyncpg.Pool[Any], request: ComposeRequestedV1) -> list[Any]:
    return await pool.fetch(
        "SELECT * FROM compositions WHERE campaign_id = $1 ORDER BY recipient_no",
        request.jobs[0].campaign_id,
    )


async def test_builtin_texts_are_distinct_personal_and_marked_as_not_an_llm(
    composer: ComposerFactory,
    compose_request: RequestFactory,
    pool: asyncpg.Pool[Any],
) -> None:
    request = compose_request(40)
    jobs = await compose(composer(BuiltinBackend()), request)
    assert [job.recipient_no for job in jobs] == list(range(1, 41))
    assert {job.composition for job in jobs} == {"ai_builtin"}
    assert len({text(job) for job in jobs}) == 40
    for job in jobs:
        assert job.recipient.name is not None
        assert job.recipient.name.split()[0] in text(job)
    assert [row["text"] for row in await stored(pool, request)] == [text(job) for job in jobs]


async def test_the_prompts_personal_fields_are_filled_before_writing(
    composer: ComposerFactory,
    compose_request: RequestFactory,
    recipient: RecipientFactory,
    openai_backend: BackendFactory,
    model: SimControl,
) -> None:
    alice = [recipient(1, name="Alice Smith")]
    prompt = "Our autumn sale starts today, {first_name}: 20% off all coats in {city}."
    request = compose_request(recipients=alice, prompt=prompt)
    [builtin] = await compose(composer(BuiltinBackend()), request)
    assert "our autumn sale starts today, Alice: 20% off all coats in Madrid" in text(builtin)
    await compose(composer(openai_backend()), compose_request(recipients=alice, prompt=prompt))
    [call] = await model.calls("chat.completions")
    user = call["params"]["messages"][1]["content"]
    assert "prompt: Our autumn sale starts today, Alice: 20% off all coats in Madrid." in user


async def test_a_thousand_identical_recipients_get_a_thousand_texts(
    composer: ComposerFactory,
    compose_request: RequestFactory,
    recipient: RecipientFactory,
) -> None:
    twins = [
        recipient(n, name=None, labels=["vip"], attributes={"city": "Rome"}) for n in range(1, 1001)
    ]
    jobs = await compose(composer(BuiltinBackend()), compose_request(recipients=twins))
    assert {job.composition for job in jobs} == {"ai_builtin"}
    assert len({text(job) for job in jobs}) == 1000


async def test_a_thousand_recipients_with_only_a_name_get_texts_that_differ_beyond_it(
    composer: ComposerFactory,
    compose_request: RequestFactory,
    recipient: RecipientFactory,
) -> None:
    """Six first names among a thousand people, nothing else known: no two texts
    are the same sentence with another name in it."""
    people = [
        recipient(n, name=NAMES[n % len(NAMES)], labels=[], attributes={}) for n in range(1, 1001)
    ]
    jobs = await compose(composer(BuiltinBackend()), compose_request(recipients=people))
    assert {job.composition for job in jobs} == {"ai_builtin"}
    assert len({text(job) for job in jobs}) == 1000
    beyond_name = set()
    for job in jobs:
        assert job.recipient.name is not None
        first_name = job.recipient.name.split()[0]
        assert first_name in text(job)
        beyond_name.add(text(job).replace(first_name, ""))
    assert len(beyond_name) == 1000


async def test_model_texts_are_distinct_and_personal(
    composer: ComposerFactory,
    compose_request: RequestFactory,
    openai_backend: BackendFactory,
    model: SimControl,
) -> None:
    jobs = await compose(composer(openai_backend()), compose_request(12))
    assert {job.composition for job in jobs} == {"ai"}
    assert len({text(job) for job in jobs}) == 12
    for job in jobs:
        assert job.recipient.name is not None
        assert job.recipient.name in text(job)


async def test_namesakes_known_only_by_name_get_texts_of_their_own_from_the_model(
    composer: ComposerFactory,
    compose_request: RequestFactory,
    recipient: RecipientFactory,
    openai_backend: BackendFactory,
    model: SimControl,
) -> None:
    """Their conversations read alike; each delivery samples with its own seed."""
    namesakes = [recipient(n, name="Anna Müller", labels=[], attributes={}) for n in range(1, 9)]
    jobs = await compose(composer(openai_backend()), compose_request(recipients=namesakes))
    assert {job.composition for job in jobs} == {"ai"}
    assert len({text(job) for job in jobs}) == 8


async def test_a_duplicate_is_written_again_with_the_reason(
    composer: ComposerFactory,
    compose_request: RequestFactory,
    recipient: RecipientFactory,
    openai_backend: BackendFactory,
    model: SimControl,
    registry: CollectorRegistry,
) -> None:
    await model.configure(reply="Our wine tasting is on Friday. ($turn)")
    twins = [recipient(n, name=None, labels=[], attributes={}) for n in (1, 2)]
    jobs = await compose(composer(openai_backend()), compose_request(recipients=twins))
    assert {job.composition for job in jobs} == {"ai"}
    assert sorted(text(job) for job in jobs) == [
        "Our wine tasting is on Friday. (1)",
        "Our wine tasting is on Friday. (2)",
    ]
    calls = await model.calls("chat.completions")
    assert len(calls) == 3
    retried = max(calls, key=lambda call: len(call["params"]["messages"]))["params"]["messages"]
    assert [m["role"] for m in retried] == ["system", "user", "assistant", "user"]
    assert "already got exactly this text" in retried[3]["content"]
    assert counted(registry, "composer_regenerations", reason="duplicate") == 1


async def test_the_same_text_for_everyone_falls_back_for_all_but_one(
    composer: ComposerFactory,
    compose_request: RequestFactory,
    openai_backend: BackendFactory,
    model: SimControl,
    registry: CollectorRegistry,
) -> None:
    await model.configure(reply="Our wine tasting is on Friday at 7 pm!")
    request = compose_request(4)
    jobs = await compose(composer(openai_backend(), max_attempts=3), request)
    assert sorted(job.composition for job in jobs) == [
        "ai",
        "ai_fallback",
        "ai_fallback",
        "ai_fallback",
    ]
    for job in jobs:
        assert job.fallback_reason == ("rejected" if job.composition == "ai_fallback" else None)
        if job.composition == "ai_fallback":
            assert job.recipient.name is not None
            assert (
                text(job)
                == f"Hello, {job.recipient.name}! Join our wine tasting this Friday at 7 pm."
            )
    assert len(await model.calls("chat.completions")) == 1 + 3 * 3
    assert counted(registry, "composer_regenerations", reason="duplicate") == 3 * 2
    assert counted(registry, "composer_fallbacks", reason="rejected") == 3


async def test_the_same_text_with_another_name_in_it_is_a_duplicate(
    composer: ComposerFactory,
    compose_request: RequestFactory,
    openai_backend: BackendFactory,
    model: SimControl,
    registry: CollectorRegistry,
) -> None:
    await model.configure(reply="Hi $first_name! Our wine tasting is on Friday at 7 pm.")
    jobs = await compose(composer(openai_backend(), max_attempts=2), compose_request(3))
    assert sorted(job.composition for job in jobs) == ["ai", "ai_fallback", "ai_fallback"]
    [written] = [job for job in jobs if job.composition == "ai"]
    assert written.recipient.name is not None
    first_name = written.recipient.name.split()[0]
    assert text(written) == f"Hi {first_name}! Our wine tasting is on Friday at 7 pm."
    assert counted(registry, "composer_regenerations", reason="duplicate") == 2
    assert counted(registry, "composer_fallbacks", reason="rejected") == 2


@pytest.mark.parametrize(
    ("reply", "channel", "reason"),
    [
        ("x" * 1200, "instagram", "too_long"),
        ("", "telegram_bot", "empty"),
        ("Hi {name}! See you at the tasting.", "telegram_bot", "placeholder"),
        ("Dear [Customer Name], see you Friday.", "telegram_bot", "placeholder"),
        ("See you Friday! Reply STOP to opt out.", "whatsapp", "stop_hint"),
    ],
)
async def test_a_text_failing_a_check_is_rewritten_then_falls_back(
    composer: ComposerFactory,
    compose_request: RequestFactory,
    openai_backend: BackendFactory,
    model: SimControl,
    registry: CollectorRegistry,
    reply: str,
    channel: Any,
    reason: str,
) -> None:
    await model.configure(reply=reply)
    [job] = await compose(
        composer(openai_backend(), max_attempts=2), compose_request(1, channel=channel)
    )
    assert (job.composition, job.fallback_reason) == ("ai_fallback", "rejected")
    assert text(job) == "Hello, Bob Jones 1! Join our wine tasting this Friday at 7 pm."
    assert len(await model.calls("chat.completions")) == 2
    assert counted(registry, "composer_regenerations", reason=reason) == 1


@pytest.mark.parametrize(
    ("fault", "config", "reason"),
    [
        ({"kind": "timeout"}, {}, "timeout"),
        ({"kind": "server_error", "times": 10}, {}, "error"),
        ({"kind": "error", "status": 400, "description": "bad request"}, {}, "error"),
        (None, {"refuse": True}, "refusal"),
    ],
)
async def test_a_failed_generation_sends_the_personal_fallback(
    composer: ComposerFactory,
    compose_request: RequestFactory,
    recipient: RecipientFactory,
    openai_backend: BackendFactory,
    model: SimControl,
    registry: CollectorRegistry,
    fault: dict[str, Any] | None,
    config: dict[str, Any],
    reason: str,
) -> None:
    if fault is not None:
        await model.add_fault(**fault)
    if config:
        await model.configure(**config)
    backend = openai_backend(timeout_seconds=0.3, max_retries=1)
    request = compose_request(recipients=[recipient(1, name="Alice Smith")])
    [job] = await compose(composer(backend), request)
    assert (job.composition, job.fallback_reason) == ("ai_fallback", reason)
    assert text(job) == "Hello, Alice Smith! Join our wine tasting this Friday at 7 pm."
    assert counted(registry, "composer_fallbacks", reason=reason) == 1
    [again] = await compose(composer(backend), request)
    assert again == job
    assert counted(registry, "composer_texts", backend="openai", outcome="fallback") == 1


@pytest.mark.parametrize(
    ("fault", "reply"),
    [
        ({"kind": "server_error", "times": 1000}, None),  # retried again and again
        (None, ""),  # an empty draft, written again and again
    ],
    ids=["retries", "drafts"],
)
async def test_the_deadline_bounds_drafts_and_retries_together(
    composer: ComposerFactory,
    compose_request: RequestFactory,
    recipient: RecipientFactory,
    openai_backend: BackendFactory,
    model: SimControl,
    registry: CollectorRegistry,
    fault: dict[str, Any] | None,
    reply: str | None,
) -> None:
    """Without it, 20 drafts of 20 retries each would take minutes."""
    await model.configure(latency_ms=150)
    if fault is not None:
        await model.add_fault(**fault)
    if reply is not None:
        await model.configure(reply=reply)
    backend = openai_backend(max_retries=20, backoff_seconds=0.05)
    request = compose_request(recipients=[recipient(1, name="Alice Smith")])
    loop = asyncio.get_running_loop()
    started = loop.time()
    [job] = await compose(composer(backend, max_attempts=20, deadline_seconds=1.0), request)
    assert loop.time() - started < 2.5
    assert (job.composition, job.fallback_reason) == ("ai_fallback", "timeout")
    assert text(job) == "Hello, Alice Smith! Join our wine tasting this Friday at 7 pm."
    assert 2 <= len(await model.calls("chat.completions")) <= 8
    assert counted(registry, "composer_fallbacks", reason="timeout") == 1


async def test_the_fallback_fills_missing_fields_with_their_defaults(
    composer: ComposerFactory,
    compose_request: RequestFactory,
    recipient: RecipientFactory,
    openai_backend: BackendFactory,
    model: SimControl,
) -> None:
    await model.configure(refuse=True)
    people = [recipient(1, name=None), recipient(2, name="Bob Jones")]
    request = compose_request(
        recipients=people, fallback_text="{first_name|Hi}, see you in {city}! {name}"
    )
    jobs = await compose(composer(openai_backend()), request)
    assert [text(job) for job in jobs] == [
        "Hi, see you in Madrid!",
        "Bob, see you in Paris! Bob Jones",
    ]


async def test_a_redelivered_request_sends_the_stored_texts_again(
    composer: ComposerFactory,
    compose_request: RequestFactory,
    openai_backend: BackendFactory,
    model: SimControl,
    pool: asyncpg.Pool[Any],
    registry: CollectorRegistry,
) -> None:
    request = compose_request(10)
    first = await compose(composer(openai_backend()), request)
    calls = len(await model.calls("chat.completions"))
    await model.configure(reply="A different text every time?")
    again = await compose(composer(openai_backend()), request)
    assert again == first
    assert len(await model.calls("chat.completions")) == calls
    assert len(await stored(pool, request)) == 10
    assert counted(registry, "composer_texts", backend="openai", outcome="reused") == 10


async def test_two_consumers_of_one_request_send_the_same_texts(
    composer: ComposerFactory, compose_request: RequestFactory, pool: asyncpg.Pool[Any]
) -> None:
    """A request redelivered while its first consumer still works on it."""
    request = compose_request(20)
    first, second = await asyncio.gather(
        compose(composer(BuiltinBackend()), request), compose(composer(BuiltinBackend()), request)
    )
    assert first == second
    assert len(await stored(pool, request)) == 20


async def test_texts_are_stored_before_they_are_handed_on(
    composer: ComposerFactory, compose_request: RequestFactory, pool: asyncpg.Pool[Any]
) -> None:
    """A crash between storing and publishing: the next run sends the same texts."""
    request = compose_request(6)

    async def broker_down(jobs: list[DispatchJob]) -> None:
        raise ConnectionError("broker away")

    with pytest.raises(ConnectionError):
        await composer(BuiltinBackend(), chunk_size=1).compose(request, broker_down)
    rows = {row["recipient_no"]: row["text"] for row in await stored(pool, request)}
    assert rows
    jobs = await compose(composer(BuiltinBackend()), request)
    for job in jobs:
        if job.recipient_no in rows:
            assert text(job) == rows[job.recipient_no]


async def test_a_slow_generation_holds_back_only_itself(
    composer: ComposerFactory,
    compose_request: RequestFactory,
    openai_backend: BackendFactory,
    model: SimControl,
) -> None:
    await model.add_fault(kind="timeout")
    chunks: list[list[DispatchJob]] = []

    async def deliver(jobs: list[DispatchJob]) -> None:
        chunks.append(jobs)

    backend = openai_backend(timeout_seconds=1.0, concurrency=8)
    await composer(backend, chunk_seconds=0.05).compose(compose_request(6), deliver)
    assert len(chunks) >= 2
    assert [job.composition for job in chunks[-1]] == ["ai_fallback"]
    assert sum(len(chunk) for chunk in chunks) == 6
