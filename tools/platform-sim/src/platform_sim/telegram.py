"""The Telegram Bot API: `/bot<token>/<method>`, answers `{"ok": ..., "result"|"error_code"}`."""

from __future__ import annotations

import itertools
import os
import re
from collections import defaultdict
from typing import Any

from aiohttp import web

from . import telegram_objects as objects
from .config import COMMON_KEYS, SimConfig
from .faults import Fault
from .ratelimit import Limit
from .simulator import Incoming, Platform, RateRule, SimError, Simulator
from .telegram_objects import MEDIA_FIELDS, FileRef
from .wire import BadBody, Upload, read_params

TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]{30,}$")
MAX_TEXT = 4096
MAX_CAPTION = 1024
SEND_METHODS = ("sendMessage", *MEDIA_FIELDS, "copyMessage", "sendMediaGroup")
METHODS = {name.lower(): name for name in ("getMe", *SEND_METHODS)}
JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "media",
        "entities",
        "caption_entities",
        "link_preview_options",
        "reply_parameters",
    }
)
GROUP_MEDIA_TYPES = frozenset({"photo", "video", "document", "audio"})
ATTACH = "attach://"

RECIPIENT_ERRORS = {
    "blocked": (403, "Forbidden: bot was blocked by the user"),
    "deactivated": (403, "Forbidden: user is deactivated"),
    "kicked": (403, "Forbidden: bot was kicked from the group chat"),
    "not_found": (400, "Bad Request: chat not found"),
}
STATUS_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def error(status: int, description: str, **parameters: Any) -> SimError:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    headers = (
        {"Retry-After": str(parameters["retry_after"])} if "retry_after" in parameters else None
    )
    return SimError(status, body, headers)


def bad_request(detail: str) -> SimError:
    return error(400, f"Bad Request: {detail}")


class TelegramPlatform(Platform):
    name = "telegram"
    defaults = SimConfig(
        rate_per_second=30, per_recipient_per_second=1.0, paid_rate_per_second=1000
    )
    config_keys = COMMON_KEYS | {"valid_tokens", "migrate_to", "paid_rate_per_second"}
    account_states = frozenset({"ok", "unauthorized"})
    recipient_states = frozenset({"ok", "migrated", *RECIPIENT_ERRORS})

    def __init__(self) -> None:
        self._salt = os.urandom(6).hex()
        self._uploads = itertools.count(1)
        self._media_groups = itertools.count(10**17)
        self._message_ids: defaultdict[tuple[str, str], int] = defaultdict(int)

    def routes(self) -> list[tuple[str, str]]:
        return [("*", "/bot{token}/{method}")]

    def canonical_method(self, name: str) -> str:
        return METHODS.get(name.lower(), name)

    def reset(self) -> None:
        self._message_ids.clear()

    async def decode(self, request: web.Request) -> Incoming:
        token = request.match_info["token"]
        bot_id, colon, _ = token.partition(":")
        method = self.canonical_method(request.match_info["method"])
        incoming = Incoming(
            account=bot_id if colon and bot_id.isdigit() else "",
            method=method,
            params={},
            credential=token,
            is_send=method in SEND_METHODS,
        )
        try:
            params = await read_params(request, JSON_FIELDS)
        except BadBody as exc:
            incoming.error = bad_request(str(exc))
            return incoming
        files = {
            name: self._upload_ref(_upload_kind(method, name, params.values), upload)
            for name, upload in params.uploads.items()
        }
        incoming.params = params.values | {
            name: {
                "filename": upload.filename,
                "size": upload.size,
                "content_type": upload.content_type,
                "file_id": files[name].file_id,
            }
            for name, upload in params.uploads.items()
        }
        incoming.extra["files"] = files
        chat_id = params.values.get("chat_id")
        if incoming.is_send and chat_id not in (None, ""):
            incoming.recipient = str(chat_id)
        if method not in METHODS.values():
            incoming.error = error(404, "Not Found: method not found")
        return incoming

    def _upload_ref(self, kind: str, upload: Upload) -> FileRef:
        typed = objects.new_file(kind, f"{self._salt}:{next(self._uploads)}")
        return FileRef(
            typed.file_id,
            typed.file_unique_id,
            file_name=upload.filename,
            file_size=upload.size,
            mime_type=upload.content_type,
        )

    def authorize(self, incoming: Incoming, sim: Simulator) -> None:
        valid = sim.config.valid_tokens
        if (
            not TOKEN.match(incoming.credential)
            or (valid is not None and incoming.credential not in valid)
            or sim.accounts.get(incoming.account) == "unauthorized"
        ):
            raise error(401, "Unauthorized")

    def check(self, incoming: Incoming, sim: Simulator, now: float) -> None:
        if not incoming.is_send:
            return
        chat_id = incoming.recipient
        if chat_id is None:
            raise bad_request("chat_id is empty")
        if not (chat_id.startswith("@") or _is_int(chat_id)):
            raise bad_request("chat not found")
        _validate(incoming.method, incoming.params, incoming.extra["files"])
        state = sim.recipients.get(chat_id).state
        if state in RECIPIENT_ERRORS:
            status, description = RECIPIENT_ERRORS[state]
            raise error(status, description)
        if state == "migrated":
            target = sim.config.migrate_to or int("-100" + str(abs(objects.chat_number(chat_id))))
            raise error(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                migrate_to_chat_id=target,
            )

    def rate_rules(self, incoming: Incoming, config: SimConfig) -> list[RateRule]:
        """30/s per bot, or (paid broadcasts, `allow_paid_broadcast`) 1000/s; 1/s per chat."""
        rules = []
        if _flag(incoming.params.get("allow_paid_broadcast")):
            if config.paid_rate_per_second is not None:
                limit = Limit.per_second(config.paid_rate_per_second)
                rules.append(RateRule(("paid", incoming.account), limit, "bot"))
        elif config.rate_per_second is not None:
            limit = Limit.per_second(config.rate_per_second)
            rules.append(RateRule(("bot", incoming.account), limit, "bot"))
        if config.per_recipient_per_second is not None:
            limit = Limit.per_second(config.per_recipient_per_second)
            rules.append(RateRule(("chat", incoming.account, incoming.recipient), limit, "chat"))
        return rules

    def rate_limited(self, scope: str, retry_after: int) -> SimError:
        return error(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)

    def server_error(self, status: int) -> SimError:
        return error(status, STATUS_DESCRIPTIONS.get(status, "Internal Server Error"))

    def scripted_error(self, fault: Fault, config: SimConfig) -> SimError:
        status = fault.status or 400
        if status == 429:
            return self.rate_limited("fault", fault.retry_after or config.retry_after_seconds)
        description = fault.description or STATUS_DESCRIPTIONS.get(status, "Error")
        parameters = {} if fault.retry_after is None else {"retry_after": fault.retry_after}
        return error(status, description, **parameters)

    def answer(self, incoming: Incoming, config: SimConfig, now: float) -> Any:
        bot_id = int(incoming.account)
        if incoming.method == "getMe":
            return {"ok": True, "result": objects.get_me(bot_id)}
        chat_id = incoming.recipient or ""
        params: dict[str, Any] = incoming.params
        files: dict[str, FileRef] = incoming.extra["files"]
        if incoming.method == "copyMessage":
            return {"ok": True, "result": {"message_id": self._next_id(incoming.account, chat_id)}}
        if incoming.method == "sendMediaGroup":
            group_id = str(next(self._media_groups))
            result = [
                self._message(incoming, now, {item["type"]: _media(item, files, item)}, item)
                | {"media_group_id": group_id}
                for item in params["media"]
            ]
            return {"ok": True, "result": result}
        if incoming.method == "sendMessage":
            return {
                "ok": True,
                "result": self._message(incoming, now, {"text": str(params["text"])}, params),
            }
        kind = MEDIA_FIELDS[incoming.method]
        content = {kind: _media({"type": kind, "media": params[kind]}, files, params)}
        return {"ok": True, "result": self._message(incoming, now, content, params)}

    def _message(
        self, incoming: Incoming, now: float, content: dict[str, Any], params: dict[str, Any]
    ) -> dict[str, Any]:
        chat_id = incoming.recipient or ""
        return objects.message(
            message_id=self._next_id(incoming.account, chat_id),
            bot_id=int(incoming.account),
            chat_id=chat_id,
            date=int(now),
            content=content,
            params=params,
        )

    def _next_id(self, account: str, chat_id: str) -> int:
        key = (account, chat_id)
        self._message_ids[key] += 1
        return self._message_ids[key]


def _media(item: dict[str, Any], files: dict[str, FileRef], params: dict[str, Any]) -> Any:
    """The Message field for one media item `{"type", "media"}`."""
    kind, value = item["type"], item["media"]
    ref = files[kind] if isinstance(value, dict) else _file_ref(kind, value, files)
    return objects.media(kind, ref, params)


def _upload_kind(method: str, part: str, values: dict[str, Any]) -> str:
    """The media type an uploaded part carries: the method's own field, or the type of the
    sendMediaGroup item that attaches it."""
    if MEDIA_FIELDS.get(method) == part:
        return MEDIA_FIELDS[method]
    media = values.get("media")
    for item in media if isinstance(media, list) else []:
        if isinstance(item, dict) and item.get("media") == ATTACH + part:
            kind = item.get("type")
            return kind if kind in GROUP_MEDIA_TYPES else "document"
    return "document"


def _file_ref(kind: str, value: Any, files: dict[str, FileRef]) -> FileRef:
    """What a file parameter names: `attach://<part>`, a URL, or a file_id."""
    if isinstance(value, str) and value.startswith(ATTACH):
        return files[value.removeprefix(ATTACH)]
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return objects.new_file(kind, value)
    return objects.known_file(str(value))


def _validate(method: str, params: dict[str, Any], files: dict[str, FileRef]) -> None:
    if method == "sendMessage":
        text = params.get("text")
        if text is None or str(text) == "":
            raise bad_request("message text is empty")
        if len(str(text)) > MAX_TEXT:
            raise bad_request("message is too long")
    elif method in MEDIA_FIELDS:
        field = MEDIA_FIELDS[method]
        _check_file(params.get(field), field, files)
        _check_caption(params)
    elif method == "copyMessage":
        if params.get("from_chat_id") in (None, ""):
            raise bad_request("from_chat_id is empty")
        if not _is_int(str(params.get("message_id", ""))):
            raise bad_request("message to copy not found")
        _check_caption(params)
    elif method == "sendMediaGroup":
        _check_media_group(params.get("media"), files)


def _check_file(value: Any, field: str, files: dict[str, FileRef]) -> None:
    """A file is a file_id or URL, an uploaded part, or `attach://<an uploaded part>`."""
    if isinstance(value, str) and value.startswith(ATTACH):
        if value.removeprefix(ATTACH) not in files:
            raise bad_request(f"there is no {field} in the request")
    elif value is None or value == "":
        raise bad_request(f"there is no {field} in the request")
    elif not isinstance(value, str | int) and field not in files:
        raise bad_request("wrong file identifier/HTTP URL specified")


def _check_caption(params: dict[str, Any]) -> None:
    caption = params.get("caption")
    if caption is not None and len(str(caption)) > MAX_CAPTION:
        raise bad_request("message caption is too long")


def _check_media_group(media: Any, files: dict[str, FileRef]) -> None:
    if not isinstance(media, list):
        raise bad_request("can't parse media JSON object")
    if not 2 <= len(media) <= 10:
        raise bad_request("wrong number of media in the group: must include 2-10 items")
    for item in media:
        if not isinstance(item, dict) or item.get("type") not in GROUP_MEDIA_TYPES:
            raise bad_request("can't parse InputMedia: unsupported media type")
        _check_file(item.get("media"), "media", files)
        _check_caption(item)


def _flag(value: Any) -> bool:
    """A Boolean parameter as JSON (`true`) or a query/form string (`"true"`)."""
    return value is True or (isinstance(value, str) and value.lower() in ("true", "1"))


def _is_int(text: str) -> bool:
    return text.removeprefix("-").isdigit()
