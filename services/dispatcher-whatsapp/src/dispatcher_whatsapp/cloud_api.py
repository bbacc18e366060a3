"""The WhatsApp Cloud API: `POST /<PHONE_NUMBER_ID>/messages`, and what its
answers mean for a delivery (PLATFORMS.md lists the codes)."""

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

THROUGHPUT_CODES = {130429, 4, 80007}
TRANSIENT_CODES = {131000, 131056, 1, 2}
RESTRICTED_CODES = {
    131048: "the number is restricted for spam",
    368: "the number is blocked for policy violations",
}
TOKEN_CODES = {190}
RESTRICTED_PAUSE_SECONDS = 24 * 3600.0
TOKEN_PAUSE_SECONDS = 30 * 86400.0
THROUGHPUT_WAIT_SECONDS = 4.0

MEDIA_FIELD = {
    "photo": "image",
    "video": "video",
    "document": "document",
    "audio": "audio",
    "voice": "audio",
    "sticker": "sticker",
}
CAPTIONED = {"image", "video", "document"}


def with_stop_hint(text: str, hint: str) -> str:
    """Every text ends with how to opt out."""
    if not hint or text.rstrip().endswith(hint):
        return text
    return f"{text.rstrip()}\n\n{hint}"


def message_payload(job: DispatchJob, to: str, stop_hint: str) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
    }
    content = job.content
    if not isinstance(content, OutboundMedia):
        payload["type"] = "text"
        payload["text"] = {"body": with_stop_hint(content.text, stop_hint), "preview_url": False}
        return payload
    kind = MEDIA_FIELD[content.media_type]
    media: dict[str, str] = (
        {"link": content.file}
        if content.file.startswith(("http://", "https://"))
        else {"id": content.file}
    )
    if kind in CAPTIONED and content.caption:
        media["caption"] = with_stop_hint(content.caption, stop_hint)
    payload["type"] = kind
    payload[kind] = media
    return payload


def interpret(answer: GraphAnswer) -> SendOutcome:
    if answer.ok:
        messages = answer.body.get("messages") or [{}]
        return Sent(str(messages[0].get("id", "")))
    error = graph_error(answer)
    code = error.code
    if code in THROUGHPUT_CODES:
        return RateLimited(THROUGHPUT_WAIT_SECONDS, error.code_text, error.message)
    if code in RESTRICTED_CODES:
        return ConnectionBlocked(
            error.code_text, f"{RESTRICTED_CODES[code]} ({error.message})", RESTRICTED_PAUSE_SECONDS
        )
    if code in TOKEN_CODES or answer.status == 401:
        return ConnectionBlocked(
            error.code_text,
            f"WhatsApp rejected the access token ({error.message}): "
            "update the connection's credentials",
            TOKEN_PAUSE_SECONDS,
        )
    if code in TRANSIENT_CODES or answer.status >= 500:
        return Retry(error.code_text, error.message)
    return Failed(error.code_text, error.message)


class WhatsAppClient:
    def __init__(
        self, base_url: str, config: ConnectionConfig, timeout: float, stop_hint: str
    ) -> None:
        self._phone_number_id = config.credentials.get("phone_number_id", "")
        self._session = GraphSession(base_url, config.credentials.get("access_token", ""), timeout)
        self._stop_hint = stop_hint

    async def send(self, job: DispatchJob, external_id: str) -> SendOutcome:
        answer = await self._session.post(
            f"{self._phone_number_id}/messages", message_payload(job, external_id, self._stop_hint)
        )
        return answer if isinstance(answer, Retry) else interpret(answer)

    async def close(self) -> None:
        await self._session.close()


def cloud_api_clients(base_url: str, timeout: float, stop_hint: str) -> ClientFactory:
    def make(config: ConnectionConfig) -> PlatformClient:
        return WhatsAppClient(base_url, config, timeout, stop_hint)

    return make
