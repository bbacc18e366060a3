"""The Telegram simulator's own control routes, under `/_sim/telegram/`: users writing to
bots, chat members' statuses, and the files bots uploaded.

`POST /_sim/telegram/updates` makes a user write in a chat as a Telegram client would: the
message is kept (a later message or a bot may reply to it) and queued as an update for the
bot named, which takes it with getUpdates or gets it at its webhook.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from aiohttp import web

from . import telegram_objects as objects
from .control import ControlError, read_body, simulator
from .telegram_chats import MEMBER_STATUSES, TOPIC_COLORS, Chats, is_supergroup
from .telegram_objects import MEDIA_FIELDS, FileRef, command_entities
from .wire import Upload

if TYPE_CHECKING:
    from .telegram import TelegramPlatform

MEDIA_KINDS = tuple(MEDIA_FIELDS.values())
NO_CAPTION = frozenset({"sticker", "video_note"})
MAX_TEXT = 4096
DEFAULT_FILE_SIZE = 10_240
USER_FIELDS = ("first_name", "last_name", "username", "language_code")
_files = itertools.count(1)


async def post_update(platform: TelegramPlatform, request: web.Request) -> web.Response:
    """A user's message to a bot: answers the Update `{"update_id", "message"}`."""
    body = await read_body(request)
    account = _bot_id(body)
    user = _user(body)
    chat_id = _chat_id(body, user)
    content = _content(body)
    _keep_data(platform, body, content)
    now = int(simulator(request).clock())
    chats = platform.chats
    chats.remember_user(user)
    if body.get("is_forum") is True:
        if not is_supergroup(chat_id):
            raise ControlError("is_forum: forums are supergroups, whose chat_id starts with -100")
        chats.make_forum(chat_id)
    thread_id = _topic(chats, account, chat_id, body, user, now)
    replied = _replied(chats, account, chat_id, body)
    message = {
        "message_id": chats.next_message_id(account, chat_id),
        "from": user,
        "chat": chats.chat(chat_id),
        "date": now,
        **chats.placement(account, chat_id, thread_id, replied),
        **content,
    }
    chats.keep(account, message)
    return web.json_response(platform.updates.push(account, {"message": message}))


async def put_member(platform: TelegramPlatform, request: web.Request) -> web.Response:
    """`{"status", "user": {first_name, ...}}`: the user's status in the chat from now on."""
    body = await read_body(request)
    chat_id = request.match_info["chat_id"]
    user_id = request.match_info["user_id"]
    if not (chat_id.startswith("@") or chat_id.removeprefix("-").isdigit()):
        raise ControlError("the chat id must be an integer or @username")
    if not user_id.isdigit():
        raise ControlError("the user id must be a positive integer")
    status = body.get("status")
    if status not in MEMBER_STATUSES:
        raise ControlError(f"status must be one of {list(MEMBER_STATUSES)}")
    names = body.get("user") or {}
    if not isinstance(names, dict):
        raise ControlError("user must be an object of first_name, last_name, username")
    user = platform.chats.user(int(user_id)) | _names(names)
    platform.chats.remember_user(user)
    platform.chats.set_member(chat_id, int(user_id), status)
    return web.json_response(objects.chat_member(status, user))


async def get_file(platform: TelegramPlatform, request: web.Request) -> web.Response:
    """The bytes a bot uploaded as `file_id`, with its name and content type."""
    file_id = request.match_info["file_id"]
    upload = platform.files.get(file_id)
    if upload is None:
        return web.json_response({"error": f"no uploaded file {file_id!r} is kept"}, status=404)
    disposition = f"attachment; filename*=UTF-8''{quote(upload.filename)}"
    return web.Response(
        body=upload.data,
        content_type=upload.content_type,
        headers={"Content-Disposition": disposition},
    )


async def download(platform: TelegramPlatform, request: web.Request) -> web.Response:
    """A file's bytes at the path `getFile` gave (`/file/bot<token>/files/<file_id>`)."""
    file_id = request.match_info["file_path"].removeprefix("files/")
    upload = platform.files.get(file_id)
    if upload is None:
        return web.json_response({"ok": False, "error_code": 404}, status=404)
    return web.Response(body=upload.data, content_type=upload.content_type)


Route = Callable[["TelegramPlatform", web.Request], Awaitable[web.Response]]
ROUTES: list[tuple[str, str, Route]] = [
    ("POST", "/_sim/telegram/updates", post_update),
    ("PUT", "/_sim/telegram/chats/{chat_id}/members/{user_id}", put_member),
    ("GET", "/_sim/telegram/files/{file_id}", get_file),
    ("GET", "/file/bot{token}/{file_path:.+}", download),
]


def _bot_id(body: dict[str, Any]) -> str:
    """The bot the update is for: `bot_id`, a bot's id or its token."""
    bot = str(body.get("bot_id", "")).partition(":")[0]
    if not bot.isdigit():
        raise ControlError("bot_id must be the bot's id (the digits before ':' in its token)")
    return bot


def _user(body: dict[str, Any]) -> dict[str, Any]:
    sender = body.get("from")
    if not isinstance(sender, dict) or not _is_int(sender.get("id")) or sender["id"] <= 0:
        raise ControlError('from must be a user: {"id": positive integer, "first_name", ...}')
    return {"id": sender["id"], "is_bot": False, "first_name": f"User {sender['id']}"} | _names(
        sender
    )


def _names(fields: dict[str, Any]) -> dict[str, Any]:
    names = {key: fields[key] for key in USER_FIELDS if fields.get(key) is not None}
    if not all(isinstance(value, str) and value for value in names.values()):
        raise ControlError(f"{', '.join(USER_FIELDS)} must be non-empty strings")
    return names


def _chat_id(body: dict[str, Any], user: dict[str, Any]) -> str:
    """The chat written in: `chat_id`, or the user's private chat with the bot."""
    chat_id = body.get("chat_id", user["id"])
    if not _is_int(chat_id):
        raise ControlError("chat_id must be an integer (a group's is negative)")
    if chat_id > 0 and chat_id != user["id"]:
        raise ControlError("a private chat's id is its user's id: use a negative chat_id")
    return str(chat_id)


def _content(body: dict[str, Any]) -> dict[str, Any]:
    """The message's text and entities, or its media field and caption."""
    text, kind = body.get("text"), body.get("media")
    if (text is None) == (kind is None):
        raise ControlError(f"give text, or media (one of {list(MEDIA_KINDS)}) with a caption")
    if text is not None:
        if not isinstance(text, str) or not 1 <= len(text) <= MAX_TEXT:
            raise ControlError(f"text must be a string of 1 to {MAX_TEXT} characters")
        return {"text": text, **_entities("entities", text, body)}
    if kind not in MEDIA_KINDS:
        raise ControlError(f"media must be one of {list(MEDIA_KINDS)}")
    content: dict[str, Any] = {kind: objects.media(kind, _file(kind, body), body)}
    caption = body.get("caption")
    if caption is not None:
        if kind in NO_CAPTION:
            raise ControlError(f"a {kind} has no caption")
        if not isinstance(caption, str) or not caption:
            raise ControlError("caption must be a non-empty string")
        content |= {"caption": caption, **_entities("caption_entities", caption, body)}
    return content


def _keep_data(platform: TelegramPlatform, body: dict[str, Any], content: dict[str, Any]) -> None:
    """A sent file's bytes, when the body gives them (`data`, text): then a bot can
    download it (getFile, `/file/bot<token>/<path>`)."""
    data, kind = body.get("data"), body.get("media")
    if data is None or kind is None:
        return
    if not isinstance(data, str):
        raise ControlError("data must be the file's content as text")
    media = content[kind]
    file_id = (media[-1] if isinstance(media, list) else media)["file_id"]
    raw = data.encode()
    content_type = body.get("mime_type") or "application/octet-stream"
    platform.files.keep(file_id, Upload(body.get("file_name") or kind, len(raw), content_type, raw))


def _file(kind: str, body: dict[str, Any]) -> FileRef:
    """The file the user sends: `file_id` if given (media already known), else a new one."""
    known = {
        "file_name": body.get("file_name"),
        "file_size": body.get("file_size", DEFAULT_FILE_SIZE),
        "mime_type": body.get("mime_type"),
    }
    file_id = body.get("file_id")
    if file_id is not None:
        if not isinstance(file_id, str) or not file_id:
            raise ControlError("file_id must be a non-empty string")
        ref = objects.known_file(file_id)
        return FileRef(ref.file_id, ref.file_unique_id, **known)
    return objects.new_file(kind, f"user:{next(_files)}", **known)


def _entities(field: str, text: str, body: dict[str, Any]) -> dict[str, Any]:
    """`entities` as given, else the `bot_command`s a client marks; omitted when none."""
    entities = body.get("entities")
    if entities is None:
        entities = command_entities(text)
    elif not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
        raise ControlError("entities must be a list of MessageEntity objects")
    return {field: entities} if entities else {}


def _topic(
    chats: Chats, account: str, chat_id: str, body: dict[str, Any], user: dict[str, Any], now: int
) -> int | None:
    """The forum topic written in (`message_thread_id`); one not opened yet is opened now."""
    thread_id = body.get("message_thread_id")
    if thread_id is None:
        return None
    if not _is_int(thread_id) or thread_id <= 0:
        raise ControlError("message_thread_id must be a positive integer (a forum topic's id)")
    if chats.topic(chat_id, thread_id) is None:
        if not is_supergroup(chat_id):
            raise ControlError("topics are in supergroups: a chat_id starting with -100")
        if chats.exists(account, chat_id, thread_id):
            raise ControlError(
                f"message {thread_id} in chat {chat_id} is not a forum topic's: open topics "
                "with createForumTopic or name a thread id not used yet"
            )
        topic = {
            "message_thread_id": thread_id,
            "name": f"Topic {thread_id}",
            "icon_color": TOPIC_COLORS[0],
        }
        chats.create_topic(account, chat_id, topic, user, now)
    return int(thread_id)


def _replied(
    chats: Chats, account: str, chat_id: str, body: dict[str, Any]
) -> dict[str, Any] | None:
    reply_id = body.get("reply_to_message_id")
    if reply_id is None:
        return None
    replied = chats.find(account, chat_id, reply_id) if _is_int(reply_id) else None
    if replied is None:
        raise ControlError(
            f"reply_to_message_id: no message {reply_id!r} kept in chat {chat_id} (messages "
            "posted here and the bots' messages in groups are)"
        )
    return replied


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
