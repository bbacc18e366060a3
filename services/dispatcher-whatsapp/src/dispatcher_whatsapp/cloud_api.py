"""The WhatsApp Cloud API: `POST /<PHONE_NUMBER_ID>/messages`, and what its
answers mean for a delivery (the codes are the constants below)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contracts import optout
from contracts.dispatch import DispatchJob, OutboundMedia, OutboundTemplate
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

RATE_LIMIT_CODES = {
    130429: "the number's throughput limit was hit",
    131056: "the limit of messages to this person was hit",
    4: "the app's request limit was hit",
    80007: "the business account's rate limit was hit",
}
TRANSIENT_CODES = {1, 2, 131000, 131016}
ECOSYSTEM_ENGAGEMENT_CODE = 131049
RESTRICTED_CODES = {
    131048: "the number is restricted for spam",
    368: "the number is blocked for policy violations",
}
TOKEN_CODES = {190}
RESTRICTED_PAUSE_SECONDS = 24 * 3600.0
TOKEN_PAUSE_SECONDS = 30 * 86400.0

MAX_TEXT = 4096
MAX_CAPTION = 1024
MEDIA_FIELD = {
    "photo": "image",
    "video": "video",
    "video_note": "video",
    "animation": "video",
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


def recipient_stop_hint(
    job: DispatchJob, english: str, wording: Mapping[str, str] | None = None
) -> str:
    """The hint in the recipient's language: the connection's own wording for it
    (`limits.stop_hint`), else the built-in one; `english` (`WHATSAPP_STOP_HINT`)
    for English and for languages with neither."""
    return optout.stop_hint(
        job.recipient.locale, {optout.DEFAULT_LANGUAGE: english, **(wording or {})}
    )


def message_payload(job: DispatchJob, to: str, stop_hint: str) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
    }
    content = job.content
    if isinstance(content, OutboundTemplate):
        payload["type"] = "template"
        payload["template"] = {
            "name": content.template_name,
            "language": {"code": content.language},
            "components": content.components,
        }
        return payload
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


def sent_text(payload: dict[str, Any]) -> str | None:
    """The text or caption of a payload, STOP hint and all (None for a template or a
    media message without caption: the job's own rendering says those)."""
    kind = payload["type"]
    if kind == "text":
        return str(payload["text"]["body"])
    if kind in CAPTIONED and "caption" in payload[kind]:
        return str(payload[kind]["caption"])
    return None


def too_long(payload: dict[str, Any]) -> Failed | None:
    """A text or caption WhatsApp would refuse for its length, refused without a call."""
    kind = payload["type"]
    if kind == "text":
        text, limit, what = payload["text"]["body"], MAX_TEXT, "texts"
    elif kind in CAPTIONED and "caption" in payload[kind]:
        text, limit, what = payload[kind]["caption"], MAX_CAPTION, "captions"
    else:
        return None
    if len(text) <= limit:
        return None
    return Failed(
        "message.too_long",
        f"WhatsApp takes {what} of at most {limit} characters; "
        f"this one has {len(text)} with the STOP hint",
    )


def interpret(answer: GraphAnswer, backoff: RateLimitBackoff) -> SendOutcome:
    if answer.ok:
        backoff.reset()
        messages = answer.body.get("messages") or [{}]
        return Sent(str(messages[0].get("id", "")))
    error = graph_error(answer)
    code = error.code
    if code in RATE_LIMIT_CODES or (answer.status == 429 and code not in RESTRICTED_CODES):
        cause = RATE_LIMIT_CODES.get(code, "rate limited")
        return RateLimited(backoff.next_wait(), error.code_text, f"{cause} ({error.message})")
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
            credentials=True,
        )
    if code == ECOSYSTEM_ENGAGEMENT_CODE:
        return Failed(
            error.code_text,
            f"{error.message}; WhatsApp held it back to keep engagement healthy, so it is "
            "not resent (wait 24 hours before messaging this person again)",
        )
    if code in TRANSIENT_CODES or answer.status >= 500:
        return Retry(error.code_text, error.message)
    return Failed(error.code_text, error.message)


class WhatsAppClient:
    def __init__(
        self,
        base_url: str,
        config: ConnectionConfig,
        *,
        timeout: float,
        stop_hint: str,
        rate_limit_first_wait: float,
    ) -> None:
        self._phone_number_id = config.credentials.get("phone_number_id", "")
        self._session = GraphSession(base_url, config.credentials.get("access_token", ""), timeout)
        self._stop_hint = stop_hint
        self._wording = config.limits.stop_hint
        self._backoff = RateLimitBackoff(rate_limit_first_wait)

    def parts(self, job: DispatchJob) -> int:
        return 1

    async def send(self, job: DispatchJob, external_id: str, part: int = 0) -> SendOutcome:
        hint = recipient_stop_hint(job, self._stop_hint, self._wording)
        payload = message_payload(job, external_id, hint)
        refused = too_long(payload)
        if refused is not None:
            return refused
        answer = await self._session.post(f"{self._phone_number_id}/messages", payload)
        if isinstance(answer, Retry):
            return answer
        outcome = interpret(answer, self._backoff)
        if isinstance(outcome, Sent):
            return Sent(outcome.platform_message_id, text=sent_text(payload))
        return outcome

    async def close(self) -> None:
        await self._session.close()


def cloud_api_clients(
    base_url: str, *, timeout: float, stop_hint: str, rate_limit_first_wait: float
) -> ClientFactory:
    def make(config: ConnectionConfig) -> PlatformClient:
        return WhatsAppClient(
            base_url,
            config,
            timeout=timeout,
            stop_hint=stop_hint,
            rate_limit_first_wait=rate_limit_first_wait,
        )

    return make
