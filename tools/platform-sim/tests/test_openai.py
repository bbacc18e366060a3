from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import pytest
from platform_sim import RunningSimulators, SimControl

Answer = tuple[int, Any, Mapping[str, str]]
Http = Callable[..., Awaitable[Answer]]
Complete = Callable[..., Awaitable[Answer]]
KEY = "sk-test-abcd1234"
SYSTEM = "You write short, friendly marketing messages for a chatbot's customers."


def request(name: str = "Alice", **extra: Any) -> dict[str, Any]:
    user = f"Prompt: Write a message about our autumn sale, 20% off all coats\nname: {name}"
    return {
        "model": "gpt-4o-mini",
        "messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}],
        "temperature": 0.8,
        "max_tokens": 200,
        **extra,
    }


@pytest.fixture
def complete(sims: RunningSimulators, http: Http, openai: SimControl) -> Complete:
    base = sims.base_url("openai")

    async def call(body: dict[str, Any], key: str = KEY) -> Answer:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return await http("POST", f"{base}/chat/completions", json=body, headers=headers)

    return call


def content(answer: Answer) -> str:
    status, body, _ = answer
    assert status == 200
    text: str = body["choices"][0]["message"]["content"]
    return text


def assert_error(answer: Answer, status: int, error_type: str) -> None:
    got_status, body, _ = answer
    assert got_status == status
    assert set(body["error"]) == {"message", "type", "param", "code"}
    assert body["error"]["type"] == error_type


async def test_response_shape(complete: Complete, openai: SimControl) -> None:
    status, body, _ = await complete(request())
    assert status == 200
    assert body["id"].startswith("chatcmpl-")
    assert body["object"] == "chat.completion"
    assert isinstance(body["created"], int)
    assert body["model"] == "gpt-4o-mini"
    [choice] = body["choices"]
    assert choice["index"] == 0
    assert choice["finish_reason"] == "stop"
    assert choice["message"]["role"] == "assistant"
    assert choice["message"]["content"]
    usage = body["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] > 0
    [call] = await openai.calls()
    assert (call["method"], call["account"], call["recipient"]) == (
        "chat.completions",
        "1234",
        None,
    )


async def test_content_is_deterministic_and_personal(complete: Complete) -> None:
    alice = content(await complete(request("Alice")))
    assert alice == content(await complete(request("Alice")))
    assert "Alice" in alice
    assert "autumn sale" in alice
    texts = {content(await complete(request(name))) for name in ("Bob", "Carol", "Dan", "Eve")}
    assert len(texts) == 4
    bob = content(await complete(request("Bob")))
    assert "Bob" in bob
    assert "Alice" not in bob


async def test_a_sampling_seed_picks_the_wording(complete: Complete) -> None:
    seeded = content(await complete(request(seed=7)))
    assert seeded == content(await complete(request(seed=7)))
    assert len({content(await complete(request(seed=n))) for n in range(6)}) > 1
    assert_error(await complete(request(seed="7")), 400, "invalid_request_error")


async def test_several_choices_differ(complete: Complete) -> None:
    _, body, _ = await complete(request(n=3))
    texts = [choice["message"]["content"] for choice in body["choices"]]
    assert [choice["index"] for choice in body["choices"]] == [0, 1, 2]
    assert len(set(texts)) == 3


async def test_fixed_reply_and_refusal(complete: Complete, openai: SimControl) -> None:
    await openai.configure(reply="Fixed text.")
    assert content(await complete(request())) == "Fixed text."
    await openai.configure(reply="Hi $name! $20 off in $city. ($turn)")
    assert content(await complete(request("Bob"))) == "Hi Bob! $20 off in $city. (1)"
    again = request("Bob")
    again["messages"] += [
        {"role": "assistant", "content": "Hi Bob!"},
        {"role": "user", "content": "Write another."},
    ]
    assert content(await complete(again)) == "Hi Bob! $20 off in $city. (2)"
    await openai.configure(refuse=True)
    assert content(await complete(request())) == "I'm sorry, but I can't help with that."


async def test_response_formats(complete: Complete, openai: SimControl) -> None:
    as_object = json.loads(
        content(await complete(request(response_format={"type": "json_object"})))
    )
    assert "Alice" in as_object["message"]
    schema = {
        "type": "json_schema",
        "json_schema": {
            "name": "message",
            "schema": {
                "type": "object",
                "properties": {"text": {"type": "string"}, "score": {"type": "number"}},
            },
        },
    }
    structured = json.loads(content(await complete(request(response_format=schema))))
    assert set(structured) == {"text", "score"}
    assert "Alice" in structured["text"]
    await openai.configure(refuse=True)
    _, body, _ = await complete(request(response_format=schema))
    message = body["choices"][0]["message"]
    assert (message["content"], message["refusal"]) == (
        None,
        "I'm sorry, but I can't help with that.",
    )


async def test_max_tokens_cuts_the_text(complete: Complete) -> None:
    _, body, _ = await complete(request(max_tokens=3))
    choice = body["choices"][0]
    assert choice["finish_reason"] == "length"
    assert len(choice["message"]["content"].split()) == 3


async def test_api_key(complete: Complete, openai: SimControl) -> None:
    assert_error(await complete(request(), key=""), 401, "invalid_request_error")
    await openai.configure(api_key=KEY)
    assert (await complete(request()))[0] == 200
    wrong = await complete(request(), key="sk-wrong")
    assert_error(wrong, 401, "invalid_request_error")
    assert wrong[1]["error"]["code"] == "invalid_api_key"


async def test_rate_limit_and_server_errors(complete: Complete, openai: SimControl) -> None:
    await openai.configure(rate_per_second=1, retry_after_seconds=2)
    assert (await complete(request()))[0] == 200
    limited = await complete(request())
    assert_error(limited, 429, "requests")
    assert limited[1]["error"]["code"] == "rate_limit_exceeded"
    assert limited[2]["retry-after"] == "2"
    await openai.configure(rate_per_second=None)
    await openai.add_fault(kind="server_error")
    assert_error(await complete(request()), 500, "server_error")
    await openai.set_account("1234", "quota_exceeded")
    assert_error(await complete(request()), 429, "insufficient_quota")


@pytest.mark.parametrize(
    "body",
    [
        {"messages": [{"role": "user", "content": "hi"}]},
        {"model": "gpt-4o-mini"},
        {"model": "gpt-4o-mini", "messages": []},
        {"model": "gpt-4o-mini", "messages": [{"content": "hi"}]},
        {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}], "n": 0},
    ],
)
async def test_invalid_requests(complete: Complete, body: dict[str, Any]) -> None:
    assert_error(await complete(body), 400, "invalid_request_error")


async def test_models(sims: RunningSimulators, http: Http, openai: SimControl) -> None:
    await openai.configure(model="gpt-sim")
    headers = {"Authorization": f"Bearer {KEY}"}
    status, body, _ = await http("GET", f"{sims.base_url('openai')}/models", headers=headers)
    assert status == 200
    assert body["object"] == "list"
    assert [model["id"] for model in body["data"]] == ["gpt-sim"]
