"""An OpenAI-compatible API: `POST /v1/chat/completions`, `GET /v1/models`."""

from __future__ import annotations

import json
import os
from typing import Any

from aiohttp import web

from .config import COMMON_KEYS, SimConfig
from .copywriter import compose, fill
from .faults import Fault
from .ratelimit import Limit
from .simulator import Incoming, Platform, RateRule, SimError, Simulator
from .wire import BadBody, bearer_token, read_params

COMPLETIONS = "chat.completions"
MODELS = "models.list"
REFUSAL = "I'm sorry, but I can't help with that."
MODEL_CREATED = 1_700_000_000
RESPONSE_FORMATS = frozenset({"text", "json_object", "json_schema"})
SERVER_ERRORS = {
    500: "The server had an error while processing your request. Sorry about that!",
    502: "Bad gateway.",
    503: "The engine is currently overloaded, please try again later.",
    504: "Gateway timeout.",
}


def error(
    status: int,
    message: str,
    error_type: str,
    code: str | None = None,
    param: str | None = None,
    headers: dict[str, str] | None = None,
) -> SimError:
    body = {"error": {"message": message, "type": error_type, "param": param, "code": code}}
    return SimError(status, body, headers)


def invalid(message: str, param: str | None = None) -> SimError:
    return error(400, message, "invalid_request_error", None, param)


class OpenAIPlatform(Platform):
    name = "openai"
    defaults = SimConfig()
    config_keys = COMMON_KEYS | {"api_key", "model", "reply", "refuse"}
    account_states = frozenset({"ok", "unauthorized", "quota_exceeded"})
    recipient_states = frozenset({"ok"})

    def routes(self) -> list[tuple[str, str]]:
        return [("POST", "/v1/chat/completions"), ("GET", "/v1/models")]

    async def decode(self, request: web.Request) -> Incoming:
        key = bearer_token(request)
        is_completion = request.method == "POST"
        incoming = Incoming(
            account=key[-4:],
            method=COMPLETIONS if is_completion else MODELS,
            params={},
            credential=key,
            is_send=is_completion,
        )
        try:
            incoming.params = (await read_params(request)).values
        except BadBody as exc:
            incoming.error = invalid(
                "We could not parse the JSON body of your request. (HINT: This likely means "
                f"you aren't using your HTTP library correctly.) {exc}"
            )
        return incoming

    def authorize(self, incoming: Incoming, sim: Simulator) -> None:
        key = incoming.credential
        if not key:
            raise error(
                401,
                "You didn't provide an API key. You need to provide your API key in an "
                "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
                "invalid_request_error",
            )
        expected = sim.config.api_key
        if (expected is not None and key != expected) or sim.accounts.get(
            incoming.account
        ) == "unauthorized":
            raise error(
                401,
                f"Incorrect API key provided: {key[:3]}***{key[-4:]}. You can find your API key "
                "at https://platform.openai.com/account/api-keys.",
                "invalid_request_error",
                "invalid_api_key",
            )

    def check(self, incoming: Incoming, sim: Simulator, now: float) -> None:
        if sim.accounts.get(incoming.account) == "quota_exceeded":
            raise error(
                429,
                "You exceeded your current quota, please check your plan and billing details.",
                "insufficient_quota",
                "insufficient_quota",
            )
        if incoming.method == COMPLETIONS:
            _validate(incoming.params)

    def rate_rules(self, incoming: Incoming, config: SimConfig) -> list[RateRule]:
        if config.rate_per_second is None:
            return []
        limit = Limit.per_second(config.rate_per_second)
        return [RateRule(("account", incoming.account), limit, "account")]

    def rate_limited(self, scope: str, retry_after: int) -> SimError:
        return error(
            429,
            f"Rate limit reached for requests. Please try again in {retry_after}s.",
            "requests",
            "rate_limit_exceeded",
            headers={"retry-after": str(retry_after)},
        )

    def server_error(self, status: int) -> SimError:
        return error(status, SERVER_ERRORS.get(status, SERVER_ERRORS[500]), "server_error")

    def scripted_error(self, fault: Fault, config: SimConfig) -> SimError:
        status = fault.status or 400
        if status == 429:
            return self.rate_limited("fault", fault.retry_after or config.retry_after_seconds)
        error_type = "server_error" if status >= 500 else "invalid_request_error"
        code = None if fault.code is None else str(fault.code)
        return error(status, fault.description or "Scripted error", error_type, code)

    def answer(self, incoming: Incoming, config: SimConfig, now: float) -> Any:
        if incoming.method == MODELS:
            model = {"id": config.model, "object": "model", "created": MODEL_CREATED}
            return {"object": "list", "data": [model | {"owned_by": "platform-sim"}]}
        params = incoming.params
        messages: list[Any] = params["messages"]
        choices = [
            _choice(index, messages, params, config) for index in range(params.get("n") or 1)
        ]
        prompt_tokens = sum(_tokens(json.dumps(m.get("content"))) + 4 for m in messages)
        completion_tokens = sum(_tokens(c["message"]["content"] or REFUSAL) for c in choices)
        return {
            "id": "chatcmpl-" + os.urandom(15).hex()[:29],
            "object": "chat.completion",
            "created": int(now),
            "model": params["model"],
            "choices": choices,
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
            "system_fingerprint": "fp_platform_sim",
        }


def _choice(
    index: int, messages: list[Any], params: dict[str, Any], config: SimConfig
) -> dict[str, Any]:
    seed = params.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise invalid(f"{seed!r} is not of type 'integer' - 'seed'", "seed")
    response_format = params.get("response_format") or {}
    structured = response_format.get("type") == "json_schema"
    finish_reason = "stop"
    if config.refuse:
        content, refusal = (None, REFUSAL) if structured else (REFUSAL, None)
    else:
        text = (
            compose(messages, index, params.get("seed"))
            if config.reply is None
            else fill(config.reply, messages)
        )
        limit = params.get("max_completion_tokens") or params.get("max_tokens")
        words = text.split()
        if isinstance(limit, int) and 0 < limit < len(words):
            text, finish_reason = " ".join(words[:limit]), "length"
        content, refusal = _formatted(text, response_format), None
    return {
        "index": index,
        "message": {"role": "assistant", "content": content, "refusal": refusal},
        "logprobs": None,
        "finish_reason": finish_reason,
    }


def _formatted(text: str, response_format: dict[str, Any]) -> str:
    """The text as the requested format: plain, `{"message": text}` for json_object, and for a
    JSON schema an object whose string properties carry the text."""
    kind = response_format.get("type", "text")
    if kind == "text":
        return text
    schema = (response_format.get("json_schema") or {}).get("schema") or {}
    properties = schema.get("properties") if isinstance(schema, dict) else None
    if kind == "json_object" or not isinstance(properties, dict) or not properties:
        return json.dumps({"message": text}, ensure_ascii=False)
    empty: dict[Any, Any] = {"integer": 0, "number": 0, "boolean": False, "array": [], "object": {}}
    value = {
        name: text if spec.get("type") == "string" else empty.get(spec.get("type"))
        for name, spec in properties.items()
        if isinstance(spec, dict)
    }
    return json.dumps(value, ensure_ascii=False)


def _tokens(text: str) -> int:
    """Words stand in for tokens."""
    return len(text.split())


def _validate(params: dict[str, Any]) -> None:
    if not params.get("model"):
        raise invalid("you must provide a model parameter", "model")
    messages = params.get("messages")
    if not isinstance(messages, list):
        raise invalid("'messages' is a required property", "messages")
    if not messages:
        raise invalid("[] is too short - 'messages'", "messages")
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or "role" not in message:
            raise invalid(
                f"Missing required parameter: 'messages[{index}].role'.", f"messages[{index}].role"
            )
    n = params.get("n", 1)
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 128):
        raise invalid(f"{n!r} is not valid under any of the given schemas - 'n'", "n")
    seed = params.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise invalid(f"{seed!r} is not of type 'integer' - 'seed'", "seed")
    response_format = params.get("response_format")
    if response_format is not None and (
        not isinstance(response_format, dict) or response_format.get("type") not in RESPONSE_FORMATS
    ):
        raise invalid(
            "Invalid value for 'response_format.type': expected one of 'text', 'json_object', "
            "'json_schema'.",
            "response_format.type",
        )
