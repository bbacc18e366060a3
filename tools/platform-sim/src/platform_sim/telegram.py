"""The Telegram Bot API: `/bot<token>/<method>`, answers `{"ok": ..., "result"|"error_code"}`."""

from __future__ import annotations

import functools
import itertools
import os
import re
from collections.abc import Callable
from typing import Any

from aiohttp import web

from . import telegram_control
from . import telegram_objects as objects
from .config import COMMON_KEYS, SimConfig
from .faults import Fault
from .ratelimit import Limit
from .simulator import ControlHandler, Incoming, Platform, RateRule, SimError, Simulator
from .telegram_chats import TOPIC_COLORS, Chats, is_group, is_supergroup
from .telegram_objects import MEDIA_FIELDS, FileRef
from .telegram_updates import MAX_UPDATES, Superseded, Updates, Webhook
from .wire import BadBody, Upload, UploadStore, read_params

TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]{30,}$")
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_UPLOAD = 50 * 1024 * 1024
"""Bots may upload files of up to 50 MB."""
KEPT_UPLOAD_BYTES = 512 * 1024 * 1024
MAX_TOPIC_NAME = 128
SEND_METHODS = ("sendMessage", *MEDIA_FIELDS, "copyMessage", "sendMediaGroup")
CHAT_METHODS = (*SEND_METHODS, "getChatMember", "getChatAdministrators", "createForumTopic")
FILE_METHODS = ("getFile",)
"""Methods on a chat (`chat_id`): its state (kicked, not found, ...) answers for them."""
BOT_METHODS = ("getMe", "getUpdates", "setWebhook", "deleteWebhook", "getWebhookInfo")
METHODS = {name.lower(): name for name in (*BOT_METHODS, *CHAT_METHODS, *FILE_METHODS)}
SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "media",
        "entities",
        "caption_entities",
        "link_preview_options",
        "reply_parameters",
        "allowed_updates",
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
        self.chats = Chats()
        self.updates = Updates()
        self.files = UploadStore(KEPT_UPLOAD_BYTES)
        self._answers: dict[str, Callable[[Incoming, float], Any]] = {
            "getMe": lambda incoming, _: objects.get_me(int(incoming.account)),
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": lambda incoming, _: self.updates.webhook_info(incoming.account),
            "getChatMember": self._get_chat_member,
            "getChatAdministrators": lambda incoming, _: self.chats.administrators(
                incoming.recipient or ""
            ),
            "createForumTopic": self._create_forum_topic,
            "getFile": self._get_file,
        }
        """The answer (`result`) of each method that is not a send."""

    def _get_file(self, incoming: Incoming, _: float) -> dict[str, Any]:
        """A file kept (a user's message's, or one a bot uploaded), with the path its bytes
        are downloaded from (`/file/bot<token>/<file_path>`)."""
        file_id = str(incoming.params.get("file_id") or "")
        kept = self.files.get(file_id)
        if kept is None:
            raise bad_request("invalid file_id")
        unique = objects.known_file(file_id).file_unique_id
        return {
            "file_id": file_id,
            "file_unique_id": unique,
            "file_size": kept.size,
            "file_path": f"files/{file_id}",
        }

    def routes(self) -> list[tuple[str, str]]:
        return [("*", "/bot{token}/{method}")]

    def control_routes(self) -> list[tuple[str, str, ControlHandler]]:
        return [
            (method, path, functools.partial(handler, self))
            for method, path, handler in telegram_control.ROUTES
        ]

    def canonical_method(self, name: str) -> str:
        return METHODS.get(name.lower(), name)

    def reset(self) -> None:
        self.chats.clear()
        self.updates.clear()
        self.files.clear()

    async def close(self) -> None:
        await self.updates.close()

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
        except web.HTTPRequestEntityTooLarge:
            incoming.error = error(413, "Request Entity Too Large")
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
        if method in CHAT_METHODS and chat_id not in (None, ""):
            incoming.recipient = str(chat_id)
        if method not in METHODS.values():
            incoming.error = error(404, "Not Found: method not found")
        elif any(upload.size > MAX_UPLOAD for upload in params.uploads.values()):
            incoming.error = error(413, "Request Entity Too Large")
        else:
            for name, upload in params.uploads.items():
                self.files.keep(files[name].file_id, upload)
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
        if incoming.method in (*BOT_METHODS, *FILE_METHODS):
            self._check_bot_method(incoming)
            return
        chat_id = incoming.recipient
        if chat_id is None:
            raise bad_request("chat_id is empty")
        if not (chat_id.startswith("@") or _is_int(chat_id)):
            raise bad_request("chat not found")
        _validate(incoming.method, incoming.params, incoming.extra["files"])
        if incoming.is_send:
            self._check_placement(incoming.account, chat_id, incoming.params)
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
        other = self._answers.get(incoming.method)
        if other is not None:
            return {"ok": True, "result": other(incoming, now)}
        chat_id = incoming.recipient or ""
        params: dict[str, Any] = incoming.params
        files: dict[str, FileRef] = incoming.extra["files"]
        if incoming.method == "copyMessage":
            message_id = self.chats.next_message_id(incoming.account, chat_id)
            return {"ok": True, "result": {"message_id": message_id}}
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
        """A message the bot sent: in a topic or reply thread, replying, as `params` ask."""
        account, chat_id = incoming.account, incoming.recipient or ""
        message = objects.message(
            message_id=self.chats.next_message_id(account, chat_id),
            bot_id=int(account),
            chat=self.chats.chat(chat_id),
            date=int(now),
            content=content,
            params=params,
        )
        reply_id, _ = _reply_target(params)
        replied = None if reply_id is None else self.chats.find(account, chat_id, reply_id)
        message |= self.chats.placement(account, chat_id, _thread(params), replied)
        if is_group(chat_id):
            self.chats.keep(account, message)
        return message

    def _check_placement(self, account: str, chat_id: str, params: dict[str, Any]) -> None:
        """A topic must exist in a forum; a message replied to must exist unless
        `allow_sending_without_reply`."""
        thread_id = _thread(params)
        if (
            thread_id is not None
            and self.chats.is_forum(chat_id)
            and self.chats.topic(chat_id, thread_id) is None
        ):
            raise bad_request("message thread not found")
        reply_id, without_reply = _reply_target(params)
        reply_missing = reply_id is not None and not self.chats.exists(account, chat_id, reply_id)
        if reply_missing and not without_reply:
            raise bad_request("message to be replied not found")

    def _check_bot_method(self, incoming: Incoming) -> None:
        params, account = incoming.params, incoming.account
        if incoming.method == "getUpdates" and self.updates.mailbox(account).webhook is not None:
            raise error(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        if incoming.method == "setWebhook":
            url = str(params.get("url") or "")
            if url and not url.startswith(("http://", "https://")):
                raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
            secret = params.get("secret_token")
            if secret is not None and not SECRET_TOKEN.match(str(secret)):
                raise bad_request("secret token contains unallowed characters")

    async def hold(self, incoming: Incoming, sim: Simulator) -> None:
        """getUpdates: forget updates before `offset`; with none left, wait up to `timeout`
        seconds for one. A newer getUpdates or a setWebhook ends the wait with 409."""
        if incoming.method != "getUpdates":
            return
        box = self.updates.mailbox(incoming.account)
        box.confirm(_optional_int(incoming.params.get("offset")))
        timeout = _optional_int(incoming.params.get("timeout")) or 0
        if timeout > 0 and not box.pending:
            try:
                await box.wait(timeout)
            except Superseded as ended:
                raise error(409, f"Conflict: {ended.reason}") from None

    def _get_updates(self, incoming: Incoming, now: float) -> list[dict[str, Any]]:
        limit = _optional_int(incoming.params.get("limit")) or MAX_UPDATES
        return self.updates.mailbox(incoming.account).take(min(max(limit, 1), MAX_UPDATES))

    def _set_webhook(self, incoming: Incoming, now: float) -> bool:
        params = incoming.params
        drop = _flag(params.get("drop_pending_updates"))
        if not params.get("url"):
            self.updates.delete_webhook(incoming.account, drop_pending=drop)
            return True
        allowed = params.get("allowed_updates")
        webhook = Webhook(
            url=str(params["url"]),
            secret_token=None
            if params.get("secret_token") is None
            else str(params["secret_token"]),
            max_connections=_optional_int(params.get("max_connections")) or 40,
            allowed_updates=allowed if isinstance(allowed, list) else None,
        )
        self.updates.set_webhook(incoming.account, webhook, drop_pending=drop)
        return True

    def _delete_webhook(self, incoming: Incoming, now: float) -> bool:
        drop = _flag(incoming.params.get("drop_pending_updates"))
        self.updates.delete_webhook(incoming.account, drop_pending=drop)
        return True

    def _get_chat_member(self, incoming: Incoming, now: float) -> dict[str, Any]:
        user_id = int(incoming.params["user_id"])
        bot = objects.bot_user(int(incoming.account))
        return self.chats.member(incoming.recipient or "", user_id, bot)

    def _create_forum_topic(self, incoming: Incoming, now: float) -> dict[str, Any]:
        chat_id, params = incoming.recipient or "", incoming.params
        topic: dict[str, Any] = {
            "name": str(params["name"]),
            "icon_color": _optional_int(params.get("icon_color")) or TOPIC_COLORS[0],
        }
        if params.get("icon_custom_emoji_id"):
            topic["icon_custom_emoji_id"] = str(params["icon_custom_emoji_id"])
        creator = objects.bot_user(int(incoming.account))
        return self.chats.create_topic(incoming.account, chat_id, topic, creator, int(now))


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
    elif method == "getChatMember" and _optional_int(params.get("user_id")) is None:
        raise bad_request("invalid user_id specified")
    elif method == "createForumTopic":
        if not is_supergroup(str(params.get("chat_id"))):
            raise bad_request("the chat is not a forum")
        if not 1 <= len(str(params.get("name") or "")) <= MAX_TOPIC_NAME:
            raise bad_request("invalid forum topic name specified")


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


def _thread(params: dict[str, Any]) -> int | None:
    return _optional_int(params.get("message_thread_id"))


def _reply_target(params: dict[str, Any]) -> tuple[int | None, bool]:
    """The message id a send replies to (`reply_parameters` or the older
    `reply_to_message_id`), and whether it may be sent should that message not exist."""
    reply = params.get("reply_parameters")
    if isinstance(reply, dict):
        return (
            _optional_int(reply.get("message_id")),
            _flag(reply.get("allow_sending_without_reply")),
        )
    return (
        _optional_int(params.get("reply_to_message_id")),
        _flag(params.get("allow_sending_without_reply")),
    )


def _optional_int(value: Any) -> int | None:
    """An integer parameter given as a number or a string; None when absent or not one."""
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _flag(value: Any) -> bool:
    """A Boolean parameter as JSON (`true`) or a query/form string (`"true"`)."""
    return value is True or (isinstance(value, str) and value.lower() in ("true", "1"))


def _is_int(text: str) -> bool:
    return text.removeprefix("-").isdigit()
