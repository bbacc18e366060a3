"""The OpenAI backend against the OpenAI-compatible simulator, on the real wire."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import replace

import pytest
from ai_composer.domain.model import Brief, GenerationFailed
from platform_sim import SimControl
from prometheus_client import CollectorRegistry

from ..conftest import API_KEY, MODEL, PROMPT, BackendFactory, RecipientFactory, counted


def brief(recipient: RecipientFactory, number: int = 1, **fields: object) -> Brief:
    return Brief(
        campaign_id=uuid.uuid4(),
        recipient_no=number,
        step_no=1,
        prompt=PROMPT,
        channel="instagram",
        recipient=recipient(number, **fields),
    )


async def test_the_request_carries_the_model_and_the_conversation(
    openai_backend: BackendFactory, model: SimControl, recipient: RecipientFactory
) -> None:
    draft = await openai_backend().write(
        brief(recipient, name="Alice Smith", attributes={"city": "Berlin"})
    )
    assert "Alice" in draft.text
    assert not draft.truncated
    [call] = await model.calls("chat.completions")
    assert call["account"] == API_KEY[-4:]
    params = call["params"]
    assert params["model"] == MODEL
    assert [m["role"] for m in params["messages"]] == ["system", "user"]
    assert "Instagram" in params["messages"][0]["content"]
    assert f"prompt: {PROMPT}" in params["messages"][1]["content"]
    assert "city: Berlin" in params["messages"][1]["content"]
    assert params["max_completion_tokens"] == 999 // 3
    assert params["temperature"] == pytest.approx(0.9)
    assert isinstance(params["seed"], int)


async def test_each_delivery_and_attempt_samples_with_its_own_seed(
    openai_backend: BackendFactory, model: SimControl, recipient: RecipientFactory
) -> None:
    backend = openai_backend()
    first = brief(recipient, 1)
    for sent in (first, first, replace(first, attempt=2), replace(first, recipient_no=2)):
        await backend.write(sent)
    seeds = [call["params"]["seed"] for call in await model.calls("chat.completions")]
    assert seeds[0] == seeds[1]
    assert len(set(seeds[1:])) == 3


async def test_recipients_get_different_texts(
    openai_backend: BackendFactory, model: SimControl, recipient: RecipientFactory
) -> None:
    backend = openai_backend()
    drafts = await asyncio.gather(*(backend.write(brief(recipient, n)) for n in range(1, 7)))
    assert len({d.text for d in drafts}) == 6


async def test_a_rate_limit_is_waited_out_as_the_server_asks(
    openai_backend: BackendFactory,
    model: SimControl,
    recipient: RecipientFactory,
    registry: CollectorRegistry,
) -> None:
    await model.add_fault(kind="retry_after", retry_after=1)
    started = time.monotonic()
    draft = await openai_backend().write(brief(recipient))
    assert time.monotonic() - started >= 1.0
    assert draft.text
    assert [c["status"] for c in await model.calls("chat.completions")] == [429, 200]
    assert counted(registry, "composer_model_retries", cause="rate_limited") == 1


async def test_server_errors_are_retried_with_backoff(
    openai_backend: BackendFactory,
    model: SimControl,
    recipient: RecipientFactory,
    registry: CollectorRegistry,
) -> None:
    await model.add_fault(kind="server_error", status=503, times=2)
    draft = await openai_backend(max_retries=2).write(brief(recipient))
    assert draft.text
    assert [c["status"] for c in await model.calls("chat.completions")] == [503, 503, 200]
    assert counted(registry, "composer_model_retries", cause="server_error") == 2


async def test_server_errors_beyond_the_retries_fail_the_draft(
    openai_backend: BackendFactory, model: SimControl, recipient: RecipientFactory
) -> None:
    await model.add_fault(kind="server_error", times=5)
    with pytest.raises(GenerationFailed) as failed:
        await openai_backend(max_retries=2).write(brief(recipient))
    assert failed.value.reason == "error"
    assert "500" in failed.value.detail
    assert len(await model.calls("chat.completions")) == 3


async def test_an_exhausted_quota_and_a_bad_key_are_not_retried(
    openai_backend: BackendFactory, model: SimControl, recipient: RecipientFactory
) -> None:
    await model.set_account(API_KEY[-4:], "quota_exceeded")
    with pytest.raises(GenerationFailed) as quota:
        await openai_backend().write(brief(recipient))
    assert (quota.value.reason, len(await model.calls())) == ("error", 1)
    await model.reset()
    await model.configure(api_key="sk-another-key")
    with pytest.raises(GenerationFailed) as unauthorized:
        await openai_backend().write(brief(recipient))
    assert unauthorized.value.reason == "error"
    assert "401" in unauthorized.value.detail
    assert len(await model.calls()) == 1


async def test_a_timeout_fails_the_draft_without_a_retry(
    openai_backend: BackendFactory, model: SimControl, recipient: RecipientFactory
) -> None:
    await model.add_fault(kind="timeout")
    started = time.monotonic()
    with pytest.raises(GenerationFailed) as failed:
        await openai_backend(timeout_seconds=0.3).write(brief(recipient))
    assert failed.value.reason == "timeout"
    assert time.monotonic() - started < 2.0
    assert len(await model.calls("chat.completions")) == 1


async def test_a_refusal_fails_the_draft(
    openai_backend: BackendFactory, model: SimControl, recipient: RecipientFactory
) -> None:
    await model.configure(refuse=True)
    with pytest.raises(GenerationFailed) as failed:
        await openai_backend().write(brief(recipient))
    assert failed.value.reason == "refusal"
    assert "can't help" in failed.value.detail


async def test_a_text_cut_off_at_the_token_budget_is_marked(
    openai_backend: BackendFactory, model: SimControl, recipient: RecipientFactory
) -> None:
    await model.configure(reply="word " * 400)
    draft = await openai_backend().write(brief(recipient))
    assert draft.truncated


async def test_requests_in_flight_are_bounded(
    openai_backend: BackendFactory, model: SimControl, recipient: RecipientFactory
) -> None:
    await model.configure(latency_ms=100)
    backend = openai_backend(concurrency=2)
    started = time.monotonic()
    await asyncio.gather(*(backend.write(brief(recipient, n)) for n in range(1, 7)))
    assert time.monotonic() - started >= 0.3
