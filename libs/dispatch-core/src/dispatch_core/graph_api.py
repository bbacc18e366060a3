"""Calls to Meta's Graph API (WhatsApp Cloud API, Instagram Messaging): JSON in,
JSON out, errors as `{"error": {"message", "type", "code", "error_subcode",
"error_data": {"details"}, "fbtrace_id"}}`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp
from service_kit.backoff import Backoff

from .model import Retry


@dataclass(frozen=True)
class GraphAnswer:
    status: int
    body: dict[str, Any]

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300 and "error" not in self.body


@dataclass(frozen=True)
class GraphError:
    code: int
    subcode: int | None
    message: str

    @property
    def code_text(self) -> str:
        return f"{self.code}/{self.subcode}" if self.subcode else str(self.code)


def graph_error(answer: GraphAnswer) -> GraphError:
    error = answer.body.get("error")
    if not isinstance(error, dict):
        return GraphError(answer.status, None, f"HTTP {answer.status} without an error body")
    details = (error.get("error_data") or {}).get("details")
    message = str(error.get("message") or "unknown error")
    if details and details not in message:
        message = f"{message}: {details}"
    subcode = error.get("error_subcode")
    return GraphError(int(error.get("code") or answer.status), subcode, message)


class GraphSession:
    """One account's session: a bearer token and a base URL."""

    def __init__(self, base_url: str, access_token: str, timeout: float) -> None:
        self._base = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {access_token}"}
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def post(self, path: str, payload: dict[str, Any]) -> GraphAnswer | Retry:
        """The platform's answer, or a Retry when the call itself failed."""
        if self._session is None:
            self._session = aiohttp.ClientSession(headers=self._headers, timeout=self._timeout)
        try:
            async with self._session.post(
                f"{self._base}/{path.lstrip('/')}", json=payload
            ) as response:
                try:
                    body = await response.json(content_type=None)
                except (ValueError, aiohttp.ContentTypeError):
                    body = {}
                return GraphAnswer(response.status, body if isinstance(body, dict) else {})
        except TimeoutError as error:
            return Retry("timeout", f"no answer within the timeout ({type(error).__name__})")
        except aiohttp.ClientError as error:
            return Retry("network", f"{type(error).__name__}: {error}")

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


class RateLimitBackoff:
    """How long a connection waits after the platform's rate-limit answers:
    `first_wait` after the first in a row, `factor` times longer after each next
    one (4, 16, 64 ... s by default), at most `longest`; an accepted message
    starts the count again.

    The numbers are the platform's (Meta asks for a backoff of 4^n s after these
    answers); the waits are service-kit's `Backoff` with them.  The count in a row
    is kept here, not in a retry loop, because it spans the connection's sends."""

    def __init__(
        self, first_wait: float = 4.0, *, factor: float = 4.0, longest: float = 900.0
    ) -> None:
        self._backoff = Backoff(first=first_wait, longest=longest, factor=factor)
        self._in_a_row = 0

    def next_wait(self) -> float:
        self._in_a_row += 1
        return self._backoff.delay(self._in_a_row)

    def reset(self) -> None:
        self._in_a_row = 0
