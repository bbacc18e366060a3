"""The Telegram Bot API (`POST <base>/bot<token>/<method>` with a JSON body), and
what its answers mean for a delivery.

Only the fields a delivery needs are read: `{"ok": true, "result": Message}` or
`{"ok": false, "error_code", "description", "parameters": {"retry_after",
"migrate_to_chat_id"}}` (why not aiogram: docs/decisions/hand-written-platform-clients.md).
Bodies are encoded with orjson through aiohttp's `json_serialize`, and answers
parsed with orjson from the bytes read.
"""

from __future__ import annotations

import re
from typing import Any

import aiohttp
import orjson
from contracts.dispatch import DispatchJob, OutboundContent, OutboundMedia, OutboundTemplate
from dispatch_core.model import (
    ConnectionBlocked,
    ConnectionConfig,
    Failed,
    RateLimited,
    Redirect,
    Retry,
    SendOutcome,
    Sent,
)
from dispatch_core.ports import ClientFactory, PlatformClient

TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]{20,}$")
FREE_BROADCAST_RATE = 30.0
"""Messages per second a bot may send without paying (Bot FAQ); above it, every
message carries `allow_paid_broadcast` (Bot API 7.11): up to 1000/s, for 0.1
Telegram Stars a message from the bot's balance."""
BAD_TOKEN_PAUSE_SECONDS = 30 * 86400.0
REJECTED_CREDENTIALS = (
    "Telegram rejected the bot token (401 Unauthorized): update the connection's credentials"
)

# media type -> (method, the method's file field, whether it takes a caption)
MEDIA_METHODS: dict[str, tuple[str, str, bool]] = {
    "photo": ("sendPhoto", "photo", True),
    "video": ("sendVideo", "video", True),
    "voice": ("sendVoice", "voice", True),
    "video_note": ("sendVideoNote", "video_note", False),
    "sticker": ("sendSticker", "sticker", False),
    "document": ("sendDocument", "document", True),
    "animation": ("sendAnimation", "animation", True),
    "audio": ("sendAudio", "audio", True),
}


def chat_id(external_id: str) -> int | str:
    return int(external_id) if external_id.lstrip("-").isdigit() else external_id


def request_for(
    content: OutboundContent, chat: int | str, *, paid_broadcast: bool = False
) -> tuple[str, dict[str, Any]]:
    """The Bot API method and its parameters for one message.  A file is a URL
    (Telegram downloads it) or a file_id, passed as given either way."""
    payload: dict[str, Any] = {"chat_id": chat}
    if isinstance(content, OutboundMedia):
        method, field, captioned = MEDIA_METHODS[content.media_type]
        payload[field] = content.file
        if captioned and content.caption:
            payload["caption"] = content.caption
    else:
        assert not isinstance(content, OutboundTemplate)
        method = "sendMessage"
        payload["text"] = content.text
    if paid_broadcast:
        payload["allow_paid_broadcast"] = True
    return method, payload


def pays_for_broadcasts(config: ConnectionConfig) -> bool:
    """A bot set above the free rate sends paid broadcasts."""
    rate = config.limits.rate_per_second
    return rate is not None and rate > FREE_BROADCAST_RATE


def interpret(status: int, answer: dict[str, Any]) -> SendOutcome:
    """What the Bot API's answer means for the delivery."""
    if answer.get("ok") is True:
        return Sent(str(answer["result"]["message_id"]))
    code = int(answer.get("error_code") or status)
    description = str(answer.get("description") or f"HTTP {status} from the Bot API")
    parameters = answer.get("parameters") or {}
    retry_after = parameters.get("retry_after")
    if code == 429 or retry_after is not None:
        wait = 1.0 if retry_after is None else float(retry_after)
        return RateLimited(wait, "429", description)
    if parameters.get("migrate_to_chat_id") is not None:
        return Redirect(str(parameters["migrate_to_chat_id"]))
    if code == 401:
        return ConnectionBlocked(
            "401", REJECTED_CREDENTIALS, BAD_TOKEN_PAUSE_SECONDS, credentials=True
        )
    if code >= 500 or code in (409, 420):
        return Retry("5xx" if code >= 500 else str(code), description)
    return Failed(str(code), description)


class TelegramBotClient:
    """One bot's client: one HTTP session, kept alive."""

    def __init__(
        self, base_url: str, token: str, timeout: float, *, paid_broadcast: bool = False
    ) -> None:
        self._url = f"{base_url.rstrip('/')}/bot{token}/"
        self._token = token
        self._paid_broadcast = paid_broadcast
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def parts(self, job: DispatchJob) -> int:
        return 1

    async def send(self, job: DispatchJob, external_id: str, part: int = 0) -> SendOutcome:
        if isinstance(job.content, OutboundTemplate):
            return Failed("content.unsupported", "WhatsApp template messages have no Telegram form")
        method, payload = request_for(
            job.content, chat_id(external_id), paid_broadcast=self._paid_broadcast
        )
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout, json_serialize=_dumps)
        try:
            async with self._session.post(self._url + method, json=payload) as response:
                try:  # the body as it is: orjson reads UTF-8 bytes, as the Bot API sends
                    answer = orjson.loads(await response.read())
                except ValueError:
                    answer = {}
                return interpret(response.status, answer if isinstance(answer, dict) else {})
        except TimeoutError as error:
            return Retry("network", f"no answer within the timeout ({type(error).__name__})")
        except aiohttp.ClientError as error:
            # some errors name the URL, which holds the token: never in a reason
            said = str(error).replace(self._token, "<token>")
            return Retry("network", f"{type(error).__name__}: {said}")


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


class MalformedTokenClient:
    """A bot whose token is not even well-formed: nothing can be sent until the
    connection's credentials are fixed."""

    def parts(self, job: DispatchJob) -> int:
        return 1

    async def send(self, job: DispatchJob, external_id: str, part: int = 0) -> SendOutcome:
        return ConnectionBlocked(
            "401",
            "the bot token is malformed (expected <digits>:<secret>): "
            "update the connection's credentials",
            BAD_TOKEN_PAUSE_SECONDS,
            credentials=True,
        )

    async def close(self) -> None:
        return None


def bot_clients(base_url: str, timeout: float) -> ClientFactory:
    """Makes each connection's client from its credentials."""

    def make(config: ConnectionConfig) -> PlatformClient:
        token = config.credentials.get("token", "")
        if not TOKEN.match(token):
            return MalformedTokenClient()
        return TelegramBotClient(
            base_url, token, timeout, paid_broadcast=pays_for_broadcasts(config)
        )

    return make
