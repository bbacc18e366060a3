"""The Instagram Messaging API: `POST /<IG_ID>/messages` (or `/me/messages`), and
what its answers mean for a delivery (the codes are the constants below)."""

from __future__ import annotations

from typing import Any

from contracts.dispatch import DispatchJob, OutboundMedia, OutboundTemplate, OutboundText
from dispatch_core.graph_api import GraphAnswer, GraphSession, RateLimitBackoff, graph_error
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

RATE_LIMIT_CODES = {4, 17, 32, 613, 2}
TRANSIENT_CODES = {1}
RESTRICTED_CODES = {368: "the account is blocked for policy violations"}
TOKEN_CODES = {190}
RESTRICTED_PAUSE_SECONDS = 24 * 3600.0
TOKEN_PAUSE_SECONDS = 30 * 86400.0

TEXT_LIMIT = 1000
"""Texts must be shorter than this."""
ATTACHMENT_TYPE = {
    "photo": "image",
    "animation": "image",
    "sticker": "image",
    "video": "video",
    "video_note": "video",
    "audio": "audio",
    "voice": "audio",
    "document": "file",
}


def message_payloads(content: OutboundText | OutboundMedia, recipient: str) -> list[dict[str, Any]]:
    """One call for a text; an attachment, then its caption as a text, for media
    (Instagram messages carry no caption).  Each is a part of its own: paced,
    checked and answered like a message."""
    to = {"id": recipient}
    if isinstance(content, OutboundText):
        return [{"recipient": to, "message": {"text": content.text}}]
    file = content.file
    source = {"url": file} if file.startswith(("http://", "https://")) else {"attachment_id": file}
    attachment = {"type": ATTACHMENT_TYPE[content.media_type], "payload": source}
    payloads: list[dict[str, Any]] = [{"recipient": to, "message": {"attachment": attachment}}]
    if content.caption:
        payloads.append({"recipient": to, "message": {"text": content.caption}})
    return payloads


def too_long(content: OutboundText | OutboundMedia) -> Failed | None:
    """A text Instagram would refuse for its length, refused without a call."""
    text = content.text if isinstance(content, OutboundText) else content.caption
    if text is None or len(text) < TEXT_LIMIT:
        return None
    return Failed(
        "message.too_long",
        f"Instagram takes texts shorter than {TEXT_LIMIT} characters; this one has {len(text)}",
    )


def interpret(answer: GraphAnswer, backoff: RateLimitBackoff) -> SendOutcome:
    if answer.ok:
        backoff.reset()
        return Sent(str(answer.body.get("message_id", "")))
    error = graph_error(answer)
    if error.code in RATE_LIMIT_CODES or answer.status == 429:
        return RateLimited(backoff.next_wait(), error.code_text, error.message)
    if error.code in TOKEN_CODES or answer.status == 401:
        return ConnectionBlocked(
            error.code_text,
            f"Instagram rejected the access token ({error.message}): "
            "update the connection's credentials",
            TOKEN_PAUSE_SECONDS,
            credentials=True,
        )
    if error.code in RESTRICTED_CODES:
        return ConnectionBlocked(
            error.code_text,
            f"{RESTRICTED_CODES[error.code]} ({error.message})",
            RESTRICTED_PAUSE_SECONDS,
        )
    if error.code in TRANSIENT_CODES or answer.status >= 500:
        return Retry(error.code_text, error.message)
    return Failed(error.code_text, error.message)


class InstagramClient:
    def __init__(
        self,
        base_url: str,
        config: ConnectionConfig,
        *,
        timeout: float,
        rate_limit_first_wait: float,
    ) -> None:
        self._account = config.credentials.get("ig_id") or "me"
        self._session = GraphSession(base_url, config.credentials.get("access_token", ""), timeout)
        self._backoff = RateLimitBackoff(rate_limit_first_wait)

    def parts(self, job: DispatchJob) -> int:
        content = job.content
        return 2 if isinstance(content, OutboundMedia) and content.caption else 1

    async def send(self, job: DispatchJob, external_id: str, part: int = 0) -> SendOutcome:
        """Part 0: the text or the attachment; part 1: a media message's caption."""
        content = job.content
        if isinstance(content, OutboundTemplate):
            return Failed(
                "content.unsupported", "WhatsApp template messages have no Instagram form"
            )
        refused = too_long(content)
        if refused is not None:
            return refused
        return await self._post(message_payloads(content, external_id)[part])

    async def _post(self, payload: dict[str, Any]) -> SendOutcome:
        answer = await self._session.post(f"{self._account}/messages", payload)
        return answer if isinstance(answer, Retry) else interpret(answer, self._backoff)

    async def close(self) -> None:
        await self._session.close()


def messaging_api_clients(
    base_url: str, *, timeout: float, rate_limit_first_wait: float
) -> ClientFactory:
    def make(config: ConnectionConfig) -> PlatformClient:
        return InstagramClient(
            base_url, config, timeout=timeout, rate_limit_first_wait=rate_limit_first_wait
        )

    return make
