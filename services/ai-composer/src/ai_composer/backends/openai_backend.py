"""Any OpenAI-compatible chat-completions endpoint, through the official client.

At most `concurrency` requests are in flight at once, each with its own
timeout.  Retries are this module's own loop, with the client's `max_retries`
set to 0, because:

* a request waiting to retry gives its concurrency slot back: the client's
  retries would sleep inside the slot and starve the other recipients;
* a rate limit that will not pass by waiting (`insufficient_quota`) and a
  timeout are not retried: the recipient gets the fallback text now instead
  of after minutes (the client retries both);
* every retry is counted by cause and logged, and the backoff is a setting.

A 429 waits what its `Retry-After` says (up to `MAX_RETRY_AFTER`); a 5xx, 408,
409 or a broken connection waits service-kit's exponential backoff, with jitter.
Neither waits past the delivery's deadline, and no request is given longer than
the deadline leaves: the draft fails as a timeout instead.  (So the loop is not
service-kit's `retry_transient` either: the server may say how long to wait, and
each failure ends in a retry, an error or a timeout.)
"""

from __future__ import annotations

import asyncio
import hashlib
from typing import Final, Literal

import openai
from contracts.dispatch import Composition
from openai import AsyncOpenAI
from openai.types.chat import ChatCompletion, ChatCompletionMessageParam
from service_kit.backoff import Backoff
from service_kit.logs import get_logger

from ..domain.model import Brief, Deadline, Draft, GenerationFailed
from ..domain.prompting import ChatMessage, messages, token_budget
from ..domain.validation import looks_like_refusal
from ..metrics import ComposerMetrics

RetryCause = Literal["rate_limited", "server_error", "connection"]

MAX_RETRY_AFTER = 30.0
"""The longest a `Retry-After` is waited; a longer one fails the draft instead."""
MAX_BACKOFF = 8.0
"""The longest wait of the exponential backoff (which takes up to a quarter off
each wait at random)."""
TEMPERATURE = 0.9
"""Warm enough that recipients get genuinely different texts."""
SEED_RANGE = 2**31

log = get_logger(__name__)


def retry_cause(error: openai.APIError) -> RetryCause | None:
    """Why `error` is worth another request, or None when it is not."""
    if isinstance(error, openai.APITimeoutError):
        return None
    if isinstance(error, openai.APIConnectionError):
        return "connection"
    if isinstance(error, openai.APIStatusError):
        if error.status_code == 429:
            return None if error.code == "insufficient_quota" else "rate_limited"
        if error.status_code in (408, 409) or error.status_code >= 500:
            return "server_error"
    return None


def retry_after(error: openai.APIError) -> float | None:
    """The server's `Retry-After`(`-ms`), in seconds, when it sent one."""
    if not isinstance(error, openai.APIStatusError):
        return None
    headers = error.response.headers
    for header, unit in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        try:
            return max(0.0, float(headers[header]) * unit)
        except (KeyError, ValueError):
            continue
    return None


def sampling_seed(brief: Brief) -> int:
    """One seed per delivery and attempt: a model that honours `seed` samples the
    same way for a retried request, and differently for two recipients whose
    conversations read alike (namesakes known by nothing but their name)."""
    key = f"{brief.campaign_id}/{brief.recipient_no}/{brief.step_no}/{brief.attempt}"
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") % SEED_RANGE


def _wire(conversation: list[ChatMessage]) -> list[ChatCompletionMessageParam]:
    wired: list[ChatCompletionMessageParam] = []
    for role, content in conversation:
        if role == "system":
            wired.append({"role": "system", "content": content})
        elif role == "user":
            wired.append({"role": "user", "content": content})
        else:
            wired.append({"role": "assistant", "content": content})
    return wired


def _describe(error: openai.APIError) -> str:
    status = getattr(error, "status_code", None)
    return f"{type(error).__name__}" + (f" {status}" if status else "") + f": {error.message}"


class OpenAIBackend:
    name: Final = "openai"
    composition: Final[Composition] = "ai"

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        model: str,
        concurrency: int,
        timeout_seconds: float,
        max_retries: int,
        backoff_seconds: float,
        metrics: ComposerMetrics,
    ) -> None:
        self._client = AsyncOpenAI(
            base_url=base_url, api_key=api_key, timeout=timeout_seconds, max_retries=0
        )
        self._model = model
        self._timeout_seconds = timeout_seconds
        self._slots = asyncio.Semaphore(concurrency)
        self._max_retries = max_retries
        self._backoff = Backoff(first=backoff_seconds, longest=MAX_BACKOFF, jitter=0.25)
        self._metrics = metrics

    @property
    def base_url(self) -> str:
        return str(self._client.base_url)

    async def write(self, brief: Brief) -> Draft:
        completion = await self._complete(brief)
        if not completion.choices:
            raise GenerationFailed("error", "the model answered no choices")
        choice = completion.choices[0]
        refusal = choice.message.refusal
        text = choice.message.content or ""
        if refusal or choice.finish_reason == "content_filter" or looks_like_refusal(text):
            raise GenerationFailed("refusal", refusal or text or choice.finish_reason)
        return Draft(text, truncated=choice.finish_reason == "length")

    def _time_left(self, deadline: Deadline | None) -> float:
        """The timeout of the request about to go, within the delivery's deadline."""
        if deadline is None:
            return self._timeout_seconds
        deadline.start()
        if deadline.passed:
            raise GenerationFailed("timeout", f"the {deadline.seconds:g} s deadline passed")
        return min(self._timeout_seconds, deadline.remaining())

    async def _complete(self, brief: Brief) -> ChatCompletion:
        conversation = _wire(messages(brief))
        deadline = brief.deadline
        retry = 0
        while True:
            try:
                async with self._slots:
                    return await self._client.chat.completions.create(
                        model=self._model,
                        messages=conversation,
                        temperature=TEMPERATURE,
                        max_completion_tokens=token_budget(brief),
                        seed=sampling_seed(brief),
                        timeout=self._time_left(deadline),
                    )
            except openai.APITimeoutError as error:
                raise GenerationFailed("timeout", _describe(error)) from error
            except openai.APIError as error:
                cause = retry_cause(error)
                wait = retry_after(error) or self._backoff.delay(retry + 1)
                if cause is None or retry >= self._max_retries or wait > MAX_RETRY_AFTER:
                    raise GenerationFailed("error", _describe(error)) from error
                if deadline is not None and wait >= deadline.remaining():
                    raise GenerationFailed(
                        "timeout",
                        f"no time left within the {deadline.seconds:g} s deadline to retry "
                        f"after {_describe(error)}",
                    ) from error
                self._metrics.model_retries.labels(cause).inc()
                log.info("model request retried", cause=cause, retry_in=round(wait, 3))
                retry += 1
                await asyncio.sleep(wait)

    async def close(self) -> None:
        await self._client.close()
