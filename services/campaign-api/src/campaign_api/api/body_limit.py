"""A cap on the size of request bodies, enforced while they arrive.

A body over its route's limit is answered 413 with the API's problem details
(`code` `too_large`, `problems.py`): at once when `Content-Length` says so,
before a byte is read; otherwise as soon as the bytes counted while the body
streams in (chunked, or a `Content-Length` that lied) pass the limit.  Nothing
beyond the limit is ever held, so a 200 MB body costs no more memory than one
just over the limit.  Routes that stream their body to disk themselves (contact
imports, list uploads) are left without a limit."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .problems import PROBLEM_MEDIA_TYPE, problem


@dataclass(frozen=True)
class Limit:
    """At most `size` bytes; `setting` names what changes it, `hint` what to do instead."""

    size: int
    setting: str
    hint: str = "send a smaller body"

    def refusal(self) -> bytes:
        detail = (
            f"the request body is larger than this call's limit of {self.size:,} bytes "
            f"({self.setting}): {self.hint}"
        )
        return json.dumps(problem(413, detail, "too_large")).encode()


@dataclass(frozen=True)
class BodyLimits:
    """`default` for every route but those in `routes` (method, path): their own
    limit, or None for no limit at all."""

    default: Limit
    routes: Mapping[tuple[str, str], Limit | None]

    def of(self, method: str, path: str) -> Limit | None:
        return self.routes.get((method, path), self.default)


class BodyTooLargeError(Exception):
    """Raised to the app reading a body past its limit; the middleware answers 413."""


class BodyLimitMiddleware:
    """The ASGI middleware that holds each request to `limits`."""

    def __init__(self, app: ASGIApp, limits: BodyLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.limits.of(scope["method"], scope["path"]) if scope["type"] == "http" else None
        if limit is None:
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > limit.size:
            await _refuse(send, limit)
            return
        await _LimitedRequest(self.app, limit).run(scope, receive, send)


class _LimitedRequest:
    """One request whose body is counted as the app reads it.  Past the limit the
    app gets `BodyTooLargeError`; whatever it then answers is dropped for the 413."""

    def __init__(self, app: ASGIApp, limit: Limit) -> None:
        self.app = app
        self.limit = limit
        self.received = 0
        self.exceeded = False
        self.started = False

    async def run(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def counted() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                self.received += len(message.get("body", b""))
                if self.received > self.limit.size:
                    self.exceeded = True
                    raise BodyTooLargeError(f"request body over {self.limit.size} bytes")
            return message

        async def guarded(message: Message) -> None:
            if self.exceeded:
                return
            if message["type"] == "http.response.start":
                self.started = True
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not self.exceeded or self.started:
                raise
        if self.exceeded and not self.started:
            await _refuse(send, self.limit)


async def _refuse(send: Send, limit: Limit) -> None:
    body = limit.refusal()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
