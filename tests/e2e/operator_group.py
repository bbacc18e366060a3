"""A tenant with its operators' Telegram group, as the bot's tests use it: a
customer bot connection with customers to send to, the group linked with its own
bot, an administrator and an operator in it, and a topic bound to one customer."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from platform_sim.client import SimControl
from test_support.api_client import CampaignApi
from test_support.waiting import eventually

from .conftest import World

CUSTOMER_BOT = "723456789:AAE2Ecustomer-bot-of-the-operator-t"
GROUP_TOKEN_TAIL = "AAE2Eoperator-group-bot-token-00000"
ADMIN = {"id": 91001, "first_name": "Alla", "username": "alla_admin"}
OPERATOR = {"id": 91002, "first_name": "Oleg", "username": "oleg_operator"}


@dataclass
class Group:
    world: World
    tenant_id: str
    admin_key: str
    chat_id: int
    connection: str
    customers: list[str]
    topic: int
    telegram: SimControl
    bot_id: str
    """The group's own bot (each test's group has one)."""
    seen: int = 0
    """The simulator's call log position up to which the bot's answers were read."""
    posted: list[dict[str, Any]] = field(default_factory=list)
    update_ids: dict[int, int] = field(default_factory=dict)
    """The update that carried each message posted, by message id."""

    async def say(
        self, user: dict[str, Any], text: str | None = None, *, thread: int | None = None,
        reply_to: int | None = None, **fields: Any,
    ) -> dict[str, Any]:  # fmt: skip
        """A person writes in the group: answers the message (its `message_id`)."""
        update = await self.telegram.post_message(
            self.bot_id,
            user,
            self.chat_id,
            text,
            message_thread_id=thread,
            reply_to_message_id=reply_to,
            is_forum=True,
            **fields,
        )
        message: dict[str, Any] = update["message"]
        self.posted.append(message)
        self.update_ids[message["message_id"]] = update["update_id"]
        return message

    async def answers_to(self, message: dict[str, Any], count: int = 1) -> list[dict[str, Any]]:
        """The bot's messages replying to `message` (at least `count` of them)."""

        async def found() -> list[dict[str, Any]] | None:
            calls = await self.telegram.calls(account=self.bot_id, recipient=self.chat_id)
            replies = [c for c in calls if c["status"] == 200 and replies_to(c, message)]
            return replies if len(replies) >= count else None

        return await eventually(found, timeout=60, interval=0.3, what="the bot's answer")

    async def answer_text(self, message: dict[str, Any]) -> str:
        (first, *_) = await self.answers_to(message)
        return str(first["params"].get("text", ""))

    async def api(self, method: str, path: str, **kwargs: Any) -> Any:
        async with CampaignApi(self.world.system.api_url, self.admin_key) as api:
            return await api.call(method, path, **kwargs)


def replies_to(call: dict[str, Any], message: dict[str, Any]) -> bool:
    params = call["params"]
    target = params.get("reply_to_message_id")
    if target is None and params.get("reply_parameters"):
        reply = params["reply_parameters"]
        target = (json.loads(reply) if isinstance(reply, str) else reply).get("message_id")
    return str(target) == str(message["message_id"])


async def operator_group(world: World, customers: int = 4, language: str = "en") -> Group:
    suffix = uuid.uuid4().hex[:6]
    tenant, connection = f"ops-{suffix}", f"tg-ops-{suffix}"
    bot_id = f"82{int(suffix, 16) % 10**7:07d}"
    chat_id = -1008234500000 - int(suffix, 16) % 100000
    async with CampaignApi(world.system.api_url, world.system.platform_key) as platform:
        key = await platform.create_tenant(tenant, subscription_ends_at="2099-01-01T00:00:00Z")
    telegram = world.sims.control("telegram")
    await telegram.configure(rate_per_second=None, per_recipient_per_second=None)
    await telegram.set_chat_member(chat_id, ADMIN["id"], "creator", first_name="Alla")
    await telegram.set_chat_member(chat_id, OPERATOR["id"], "member", first_name="Oleg")
    ids = [str(7300000 + int(suffix, 16) % 1000 * 10 + n) for n in range(1, customers + 1)]
    async with CampaignApi(world.system.api_url, key) as api:
        await api.call(
            "PUT",
            f"/v1/connections/{connection}",
            json={"channel": "telegram_bot", "credentials": {"token": CUSTOMER_BOT}},
        )
        rows = [
            f"{connection},{pid},Customer {n},{'vip' if n % 2 else 'new'}"
            for n, pid in enumerate(ids, 1)
        ]
        await api.import_contacts("connection_id,external_id,name,labels\n" + "\n".join(rows))
        await api.until_estimated({"kind": "filter", "connection_ids": [connection]}, customers)
        await api.call(
            "PUT",
            f"/v1/operator-groups/{chat_id}",
            json={
                "bot_token": f"{bot_id}:{GROUP_TOKEN_TAIL}",
                "language": language,
                "allowed_user_ids": [],
            },
        )
        topic = 900 + int(suffix, 16) % 50
        await api.call(
            "PUT",
            f"/v1/operator-groups/{chat_id}/topics/{topic}",
            json={"connection_id": connection, "external_id": ids[0]},
        )
    group = Group(world, tenant, key, chat_id, connection, ids, topic, telegram, bot_id)
    await serving(group)
    return group


async def serving(group: Group) -> None:
    """Wait until the group's bot started (the bot heard the group linked)."""

    async def started() -> bool:
        return bool(await group.telegram.calls(method="getMe", account=group.bot_id))

    await eventually(started, timeout=30, interval=0.2, what="the bot to serve the group")
