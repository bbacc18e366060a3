"""Bot API objects the Telegram simulator answers with: User, Chat, Message and the media types.

Field sets follow https://core.telegram.org/bots/api (every field the API marks required,
plus the common optional ones a client reads).
"""

from __future__ import annotations

import base64
import hashlib
import re
import zlib
from dataclasses import dataclass
from typing import Any

MEDIA_FIELDS = {
    "sendPhoto": "photo",
    "sendVideo": "video",
    "sendVoice": "voice",
    "sendVideoNote": "video_note",
    "sendSticker": "sticker",
    "sendDocument": "document",
    "sendAnimation": "animation",
    "sendAudio": "audio",
}
"""The send method of each media type and the parameter (and Message field) that holds it."""

# The first bytes real file ids of each type start with.
_FILE_ID_PREFIX = {
    "photo": "AgACAgIAAxkBAAI",
    "video": "BAACAgIAAxkBAAI",
    "voice": "AwACAgIAAxkBAAI",
    "video_note": "DQACAgIAAxkBAAI",
    "sticker": "CAACAgIAAxkBAAI",
    "document": "BQACAgIAAxkBAAI",
    "animation": "CgACAgIAAxkBAAI",
    "audio": "CQACAgIAAxkBAAI",
}
_MIME_TYPES = {
    "video": "video/mp4",
    "voice": "audio/ogg",
    "animation": "video/mp4",
    "audio": "audio/mpeg",
    "document": "application/octet-stream",
}
_PHOTO_SIZES = ((90, 68), (320, 240), (1280, 960))


@dataclass(frozen=True, slots=True)
class FileRef:
    """A file as the API reports it back: ids, and what is known of the original."""

    file_id: str
    file_unique_id: str
    file_name: str | None = None
    file_size: int | None = None
    mime_type: str | None = None


def _digest(seed: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(seed.encode()).digest()).decode().rstrip("=")


def new_file(kind: str, seed: str, **known: Any) -> FileRef:
    """A file id of `kind` derived from `seed` (an upload's unique tag, or the URL sent)."""
    digest = _digest(f"{kind}:{seed}")
    return FileRef(_FILE_ID_PREFIX[kind] + digest[:56], "AQAD" + digest[56:68], **known)


def known_file(file_id: str) -> FileRef:
    """A file id the client already had: echoed back, with a stable unique id."""
    return FileRef(file_id, "AQAD" + _digest(file_id)[:12])


def bot_user(bot_id: int) -> dict[str, Any]:
    return {
        "id": bot_id,
        "is_bot": True,
        "first_name": "Sim Bot",
        "username": f"sim_{bot_id}_bot",
    }


def get_me(bot_id: int) -> dict[str, Any]:
    return {
        **bot_user(bot_id),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def chat_number(chat_id: str) -> int:
    """The numeric id of a chat given as a number or as `@username`."""
    if chat_id.startswith("@"):
        return -(1_000_000_000_000 + zlib.crc32(chat_id.lower().encode()))
    return int(chat_id)


def chat(chat_id: str) -> dict[str, Any]:
    number = chat_number(chat_id)
    if chat_id.startswith("@"):
        name = chat_id[1:]
        return {"id": number, "type": "channel", "title": name, "username": name}
    if number > 0:
        return {"id": number, "type": "private", "first_name": f"User {number}"}
    if chat_id.startswith("-100"):
        return {"id": number, "type": "supergroup", "title": f"Group {-number}"}
    return {"id": number, "type": "group", "title": f"Group {-number}"}


def media(kind: str, file: FileRef, params: dict[str, Any]) -> Any:
    """The Message field for a media `kind`: a PhotoSize array for photos, else one object."""
    if kind == "photo":
        smaller = [
            {
                **_ids(new_file("photo", f"{file.file_id}:{width}")),
                "width": width,
                "height": height,
            }
            for width, height in _PHOTO_SIZES[:-1]
        ]
        width, height = _PHOTO_SIZES[-1]
        return [*smaller, {**_ids(file), "width": width, "height": height, **_size(file)}]
    body: dict[str, Any] = {**_ids(file), **_size(file)}
    if kind in ("video", "animation"):
        body |= {
            "width": _int(params.get("width"), 1280),
            "height": _int(params.get("height"), 720),
            "duration": _int(params.get("duration"), 10),
        }
    elif kind in ("voice", "audio"):
        body["duration"] = _int(params.get("duration"), 5)
        if kind == "audio":
            body |= {key: params[key] for key in ("performer", "title") if params.get(key)}
    elif kind == "video_note":
        body |= {
            "length": _int(params.get("length"), 240),
            "duration": _int(params.get("duration"), 5),
        }
    elif kind == "sticker":
        body |= {
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": params.get("emoji") or "\N{WHITE SMILING FACE}",
        }
    if kind in ("document", "animation") and file.file_name:
        body["file_name"] = file.file_name
    if kind in _MIME_TYPES:
        body["mime_type"] = file.mime_type or _MIME_TYPES[kind]
    return body


def _ids(file: FileRef) -> dict[str, Any]:
    return {"file_id": file.file_id, "file_unique_id": file.file_unique_id}


def _size(file: FileRef) -> dict[str, Any]:
    return {} if file.file_size is None else {"file_size": file.file_size}


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def message(
    *,
    message_id: int,
    bot_id: int,
    chat: dict[str, Any],
    date: int,
    content: dict[str, Any],
    params: dict[str, Any],
) -> dict[str, Any]:
    """A Message sent by the bot: `content` holds `text` or the media field."""
    result: dict[str, Any] = {
        "message_id": message_id,
        "from": bot_user(bot_id),
        "chat": chat,
        "date": date,
        **content,
    }
    caption = params.get("caption")
    if caption:
        result["caption"] = str(caption)
    markup = params.get("reply_markup")
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        result["reply_markup"] = {"inline_keyboard": markup["inline_keyboard"]}
    return result


_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_send_welcome_messages",
    "can_pin_messages",
    "can_manage_topics",
)


def chat_member(status: str, user: dict[str, Any]) -> dict[str, Any]:
    """The ChatMember object of `status` (creator, administrator, member, left, kicked)."""
    member: dict[str, Any] = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member |= {"can_be_edited": False, "is_anonymous": False, "can_promote_members": False}
        member |= dict.fromkeys(_ADMIN_RIGHTS, True)
    elif status == "kicked":
        member["until_date"] = 0
    return member


_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w@/])")


def command_entities(text: str) -> list[dict[str, Any]]:
    """`bot_command` entities for every `/command` (or `/command@bot`) in `text`, as a Telegram
    client marks them; offsets and lengths count UTF-16 code units."""
    return [
        {
            "type": "bot_command",
            "offset": _utf16_length(text[: found.start()]),
            "length": _utf16_length(found.group()),
        }
        for found in _COMMAND.finditer(text)
    ]


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
