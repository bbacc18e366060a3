"""What the Telegram simulator knows of chats: forums and their topics, who is a member with
what status, the users seen, and recent messages (so a reply carries the message it answers).

Message ids count per chat in groups, supergroups and channels (every bot sees the same ids),
and per bot in a private chat, as on Telegram.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from typing import Any

from . import telegram_objects as objects

MEMBER_STATUSES = ("creator", "administrator", "member", "left", "kicked")
KEPT_MESSAGES = 50_000
"""Messages remembered for replies; older ones are forgotten (a reply to one carries no copy)."""
TOPIC_COLORS = (7322096, 16766590, 13338331, 9367192, 16749490, 16478047)
"""The icon colours Telegram allows a forum topic; the first is the default."""


def is_group(chat_id: str) -> bool:
    """Whether `chat_id` is a group, supergroup or channel (not a private chat)."""
    return chat_id.startswith(("-", "@"))


def is_supergroup(chat_id: str) -> bool:
    return chat_id.startswith("-100")


class Chats:
    """Chat-level state every bot shares, and each bot's private chats' message counters."""

    def __init__(self) -> None:
        self._counters: defaultdict[tuple[str, str], int] = defaultdict(int)
        self._messages: OrderedDict[tuple[str, str, int], dict[str, Any]] = OrderedDict()
        self._forums: set[str] = set()
        self._topics: defaultdict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
        self._members: defaultdict[str, dict[int, str]] = defaultdict(dict)
        self._users: dict[int, dict[str, Any]] = {}

    def clear(self) -> None:
        for store in (self._counters, self._messages, self._topics, self._members, self._users):
            store.clear()
        self._forums.clear()

    @staticmethod
    def _key(account: str, chat_id: str) -> tuple[str, str]:
        return ("", chat_id) if is_group(chat_id) else (account, chat_id)

    def next_message_id(self, account: str, chat_id: str) -> int:
        key = self._key(account, chat_id)
        self._counters[key] += 1
        return self._counters[key]

    def exists(self, account: str, chat_id: str, message_id: int) -> bool:
        """Whether `message_id` was ever given out in the chat (kept or since forgotten)."""
        return 0 < message_id <= self._counters.get(self._key(account, chat_id), 0)

    def keep(self, account: str, message: dict[str, Any]) -> None:
        """Remember a message for replies to it."""
        chat_id = str(message["chat"]["id"])
        self._messages[(*self._key(account, chat_id), message["message_id"])] = message
        while len(self._messages) > KEPT_MESSAGES:
            self._messages.popitem(last=False)

    def find(self, account: str, chat_id: str, message_id: int) -> dict[str, Any] | None:
        return self._messages.get((*self._key(account, chat_id), message_id))

    def remember_user(self, user: dict[str, Any]) -> None:
        self._users[int(user["id"])] = user

    def user(self, user_id: int) -> dict[str, Any]:
        """The user as last seen, or a made-up one."""
        return self._users.get(user_id) or {
            "id": user_id,
            "is_bot": False,
            "first_name": f"User {user_id}",
        }

    def chat(self, chat_id: str) -> dict[str, Any]:
        """The Chat object: a private chat has its user's names, a forum says `is_forum`."""
        base = objects.chat(chat_id)
        if base["type"] == "private" and int(chat_id) in self._users:
            user = self._users[int(chat_id)]
            names = ("first_name", "last_name", "username")
            return {"id": base["id"], "type": "private"} | {k: user[k] for k in names if k in user}
        if chat_id in self._forums:
            base["is_forum"] = True
        return base

    def make_forum(self, chat_id: str) -> None:
        self._forums.add(chat_id)

    def is_forum(self, chat_id: str) -> bool:
        return chat_id in self._forums

    def topic(self, chat_id: str, thread_id: int) -> dict[str, Any] | None:
        return self._topics[chat_id].get(thread_id) if chat_id in self._topics else None

    def create_topic(
        self, account: str, chat_id: str, topic: dict[str, Any], creator: dict[str, Any], date: int
    ) -> dict[str, Any]:
        """Open a topic (the chat becomes a forum) with its `forum_topic_created` message, whose
        id is the topic's `message_thread_id`; `topic` holds name, icon_color and maybe
        message_thread_id (an id not yet given out, for a topic made up by the control API)."""
        self.make_forum(chat_id)
        thread_id = topic.get("message_thread_id")
        if thread_id is None:
            thread_id = self.next_message_id(account, chat_id)
        else:
            key = self._key(account, chat_id)
            self._counters[key] = max(self._counters[key], thread_id)
        created: dict[str, Any] = {
            k: topic[k] for k in ("name", "icon_color", "icon_custom_emoji_id") if k in topic
        }
        self.keep(
            account,
            {
                "message_id": thread_id,
                "from": creator,
                "chat": self.chat(chat_id),
                "date": date,
                "message_thread_id": thread_id,
                "is_topic_message": True,
                "forum_topic_created": created,
            },
        )
        self._topics[chat_id][thread_id] = {"message_thread_id": thread_id, **created}
        return self._topics[chat_id][thread_id]

    def placement(
        self,
        account: str,
        chat_id: str,
        thread_id: int | None,
        replied: dict[str, Any] | None,
    ) -> dict[str, Any]:
        """The thread and reply fields of a new message in `chat_id`, as Telegram sets them.

        A reply without a thread joins the replied message's thread; in a supergroup's main
        thread that is the reply thread (`message_thread_id` = the replied message's id, no
        `is_topic_message`). A message in a forum topic that replies to nothing replies to the
        topic's `forum_topic_created` message."""
        fields: dict[str, Any] = {}
        in_topic = thread_id is not None and self.topic(chat_id, thread_id) is not None
        if replied is not None and thread_id is None:
            thread_id = replied.get("message_thread_id")
            in_topic = bool(replied.get("is_topic_message"))
            if thread_id is None and is_supergroup(chat_id):
                thread_id = int(replied["message_id"])
        if replied is None and in_topic and thread_id is not None:
            replied = self.find(account, chat_id, thread_id)
        if thread_id is not None and is_supergroup(chat_id):
            fields["message_thread_id"] = thread_id
            if in_topic:
                fields["is_topic_message"] = True
        if replied is not None:
            fields["reply_to_message"] = {
                k: v for k, v in replied.items() if k != "reply_to_message"
            }
        return fields

    def set_member(self, chat_id: str, user_id: int, status: str) -> None:
        self._members[chat_id][user_id] = status

    def member(self, chat_id: str, user_id: int, bot: dict[str, Any]) -> dict[str, Any]:
        """The ChatMember of `user_id` (`bot` when it is the asking bot); default "member"."""
        status = (
            self._members[chat_id].get(user_id, "member") if chat_id in self._members else "member"
        )
        user = bot if user_id == bot["id"] else self.user(user_id)
        return objects.chat_member(status, user)

    def administrators(self, chat_id: str) -> list[dict[str, Any]]:
        """The creator and administrators, as ChatMember objects."""
        statuses = self._members.get(chat_id, {})
        return [
            objects.chat_member(status, self.user(user_id))
            for user_id, status in statuses.items()
            if status in ("creator", "administrator")
        ]
