"""The Instagram Messaging API: `POST /<IG_ID>/messages` (or `/me/messages`), and
what its answers mean for a delivery (PLATFORMS.md lists the codes)."""

from __future__ import annotations

from typing import Any

from contracts.dispatch import DispatchJob, OutboundMedia
from dispatch_core.graph_api import GraphAnswer, GraphSession, graph_error
from dispatch_core.model import (
    ConnectionBlocked,
    ConnectionConfig,
    Failed,
    RateLimited,
    Retry,
    SendOutcome,
    Sent,
)
from dispatch_core.ports import ClientFactory, PlatformClient

RATE_CODES = {4, 17, 32, 613}
TRANSIENT_CODES = {1, 2}
TOKEN_CODES = {190}
RATE_WAIT_SECONDS = 5.0
TOKEN_PAUSE_SECONDS = 30 * 86400.0

ATTACHMENT_TYPE = {
    "photo": "image",
    "video": "video",
    "audio": "audio",
    "voice": "audio",
    "document": "file",
}


def message_payloads(job: DispatchJob, recipient: str) -> list[dict[str, Any]]:
    """One call for a text; an attachment, then its caption as text, for media."""
    to = {"id": recipient}
    content = job.content
    if not isinstance(content, OutboundMedia):
        return [{"recipient": to, "message": {"text": content.text}}]
    attachment = {
        "type": ATTACHMENT_TYPE[content.media_type],
        "payload": {"url": content.file},
    }
    payloads: list[dict[str, Any]] = [{"recipient": to, "message": {"attachment": attachment}}]
    if content.caption:
        payloads.append({"recipient": to, "message": {"text": content.caption}})
    return payloads


def interpret(answer: GraphAnswer) -> SendOutcome:
    if answer.ok:
        return Sent(str(answer.body.get("message_id", "")))
    error = graph_error(answer)
    if error.code in RATE_CODES:
        return RateLimited(RATE_WAIT_SECONDS, error.code_text, error.message)
    if error.code in TOKEN_CODES or answer.status == 401:
        return ConnectionBlocked(
            error.code_text,
            f"Instagram rejected the access token ({error.message}): "
            "update the connection's credentials",
            TOKEN_PAUSE_SECONDS,
        )
    if error.code in TRANSIENT_CODES or answer.status >= 500:
        return Retry(error.code_text, error.message)
    return Failed(error.code_text, error.message)


class InstagramClient:
    def __init__(self, base_url: str, config: ConnectionConfig, timeout: float) -> None:
        self._account = config.credentials.get("ig_id") or "me"
        self._session = GraphSession(base_url, config.credentials.get("access_token", ""), timeout)

    async def send(self, job: DispatchJob, external_id: str) -> SendOutcome:
        first: SendOutcome | None = None
        for payload in message_payloads(job, external_id):
            answer = await self._session.post(f"{self._account}/messages", payload)
            result = answer if isinstance(answer, Retry) else interpret(answer)
            if first is not None:
                return first  # the caption is a courtesy; the delivery is the attachment
            if not isinstance(result, Sent):
                return result
            first = result
        assert first is not None
        return first

    async def close(self) -> None:
        await self._session.close()


def messaging_api_clients(base_url: str, timeout: float) -> ClientFactory:
    def make(config: ConnectionConfig) -> PlatformClient:
        return InstagramClient(base_url, config, timeout)

    return make
