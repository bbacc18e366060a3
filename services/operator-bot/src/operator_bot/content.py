"""A Telegram message as the content of a `/send`: its text, or its media (the
file id, so the recipients get the same file) with its caption."""

from __future__ import annotations

from typing import Any

from aiogram.types import Message
from contracts.content import MEDIA_TYPES

MEDIA_KINDS = MEDIA_TYPES
"""Every media type a `/send` carries: a Telegram message's field of each name."""


def file_id_of(message: Message, kind: str) -> str | None:
    found = getattr(message, kind)
    if found is None:
        return None
    if kind == "photo":  # sizes, smallest first: the largest is the photo
        return str(found[-1].file_id)
    return str(found.file_id)


def content_of(message: Message) -> dict[str, Any] | None:
    """The step content a message holds (`reply_to` of a command); None for a
    message with nothing to send (a service message, a poll)."""
    for kind in MEDIA_KINDS:
        file_id = file_id_of(message, kind)
        if file_id is not None:
            media: dict[str, Any] = {"kind": "media", "media_type": kind, "file": file_id}
            if message.caption:
                media["caption"] = message.caption
            return media
    if message.text:
        return {"kind": "text", "text": message.text}
    return None


def replied_to(message: Message) -> Message | None:
    """The message this one replies to.  In a forum topic every message "replies" to
    the topic's first (service) message: that is no reply."""
    found = message.reply_to_message
    if found is None or found.forum_topic_created is not None:
        return None
    return found


def command_text(message: Message, bot_username: str | None) -> str | None:
    """The `/send ...` a message holds (its text, or a media's caption), with
    `/send@thisbot` read as `/send`; None when it holds no `/send`."""
    text = (message.text or message.caption or "").strip()
    head, _, rest = text.partition(" ")
    if head == "/send" or (bot_username and head.lower() == f"/send@{bot_username.lower()}"):
        return f"/send {rest}".strip()
    return None
