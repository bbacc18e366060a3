"""What the bot reads of a Telegram message: the command, the content a reply
carries (every media type, by file id, with its caption), and whose key acts."""

from __future__ import annotations

import gzip
from typing import Any

import pytest
from aiogram.types import Message
from operator_bot.commands import chunks
from operator_bot.content import MEDIA_KINDS, command_text, content_of, replied_to
from operator_bot.groups import Group
from operator_bot.notices import REPORT_ROOM, report_documents

CHAT = {"id": -1001, "type": "supergroup", "title": "Operators", "is_forum": True}
USER = {"id": 7, "is_bot": False, "first_name": "Ann"}


def message(**fields: Any) -> Message:
    return Message.model_validate(
        {"message_id": 10, "date": 0, "chat": CHAT, "from": USER, **fields}
    )


FILE = {"file_id": "F1", "file_unique_id": "U1"}
MEDIA: dict[str, Any] = {
    "photo": [{**FILE, "file_id": "small", "width": 90, "height": 90},
              {**FILE, "file_id": "large", "width": 800, "height": 800}],
    "video": {**FILE, "width": 1, "height": 1, "duration": 1},
    "voice": {**FILE, "duration": 1},
    "video_note": {**FILE, "length": 1, "duration": 1},
    "sticker": {**FILE, "type": "regular", "width": 1, "height": 1, "is_animated": False,
                "is_video": False},
    "document": FILE,
    "animation": {**FILE, "width": 1, "height": 1, "duration": 1},
    "audio": {**FILE, "duration": 1},
}  # fmt: skip


@pytest.mark.parametrize("kind", MEDIA_KINDS)
def test_a_media_message_is_sent_by_its_file_id_with_its_caption(kind: str) -> None:
    found = content_of(message(**{kind: MEDIA[kind], "caption": "Look"}))
    assert found == {
        "kind": "media",
        "media_type": kind,
        "file": "large" if kind == "photo" else "F1",
        "caption": "Look",
    }


def test_a_text_message_is_sent_as_text() -> None:
    assert content_of(message(text="Hello {name}")) == {"kind": "text", "text": "Hello {name}"}
    assert content_of(message()) is None


def test_the_command_is_read_from_text_or_caption_and_addressed_forms() -> None:
    assert command_text(message(text="/send all now"), "opbot") == "/send all now"
    assert command_text(message(text="/send@OpBot sid1"), "opbot") == "/send sid1"
    assert command_text(message(caption="/send test", photo=MEDIA["photo"]), None) == "/send test"
    assert command_text(message(text="/sendall"), "opbot") is None
    assert command_text(message(text="hello"), "opbot") is None


def test_a_topics_first_message_is_no_reply() -> None:
    created = message(message_id=2, forum_topic_created={"name": "Ann", "icon_color": 1})
    in_topic = message(reply_to_message=created.model_dump(by_alias=True), is_topic_message=True)
    assert replied_to(in_topic) is None
    photo = message(message_id=3, photo=MEDIA["photo"])
    assert replied_to(message(reply_to_message=photo.model_dump(by_alias=True))) is not None


def test_admins_and_allowed_users_act_with_the_admin_key() -> None:
    group = Group(-1001, "acme", "42:token", "cmp_admin", "cmp_operator", "en", frozenset({9}))
    assert group.key_for(1, "creator") == "cmp_admin"
    assert group.key_for(1, "administrator") == "cmp_admin"
    assert group.key_for(9, "member") == "cmp_admin"
    assert group.key_for(1, "member") == "cmp_operator"
    assert group.key_for(None, None) == "cmp_operator"
    assert group.bot_id == 42


def test_a_long_answer_goes_in_parts_by_lines() -> None:
    text = "\n".join(f"line {n} " + "x" * 90 for n in range(100))
    parts = chunks(text)
    assert all(len(part) <= 4096 for part in parts)
    assert "\n".join(parts) == text


def test_a_report_past_telegrams_limit_is_gzipped() -> None:
    small = b"recipient,status\n1,sent\n"
    (document,) = report_documents("c1", small)
    assert document.filename == "c1".join(["campaign-", ".csv"])
    large = b"".join(b"%d,sent,,\n" % n for n in range(REPORT_ROOM // 9))
    (packed,) = report_documents("c1", large)
    assert packed.filename == "campaign-c1.csv.gz"
    assert gzip.decompress(packed.data) == large
