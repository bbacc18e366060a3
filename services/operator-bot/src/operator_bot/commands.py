"""`/send` typed in the group: where it was typed (General or a customer's topic),
who typed it (their key), what it replies to (the content), carried out by
campaign-api and answered as a reply in the same topic."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from service_kit.logs import get_logger

from . import repo
from .campaign_api import CampaignApi
from .content import content_of, replied_to
from .groups import Group
from .metrics import BotMetrics
from .telegram_calls import patiently
from .texts import NOT_BOUND, say

if TYPE_CHECKING:
    from .announcer import Announcer

log = get_logger(__name__)
router = Router(name="send")
TELEGRAM_TEXT_LIMIT = 4096


@dataclass(frozen=True)
class Deps:
    """What the handlers act with, given to each update by the fleet."""

    pool: repo.Pool
    api: CampaignApi
    metrics: BotMetrics
    announcer: Announcer


async def place_of(message: Message, group: Group, deps: Deps) -> dict[str, Any] | None:
    """General, or the customer's dialog a topic is bound to; None for a topic bound
    to none."""
    if not message.is_topic_message or message.message_thread_id is None:
        return {"kind": "general"}
    found = await repo.topic(deps.pool, group.chat_id, message.message_thread_id)
    if found is None or found.tenant_id != group.tenant_id:
        return None
    return {
        "kind": "dialog",
        "connection_id": found.connection_id,
        "external_id": found.external_id,
    }


async def key_of(message: Message, bot: Bot, group: Group) -> str:
    """The key of the person's role: asks Telegram whether they administer the group."""
    user = message.from_user
    if user is None:
        return group.operator_key
    if user.id in group.allowed_user_ids:
        return group.admin_key
    member = await bot.get_chat_member(group.chat_id, user.id)
    return group.key_for(user.id, member.status)


def chunks(text: str) -> list[str]:
    """Telegram's messages hold 4096 characters: a longer answer goes in parts, by lines."""
    parts, current = [], ""
    for line in text.splitlines() or [""]:
        if current and len(current) + 1 + len(line) > TELEGRAM_TEXT_LIMIT:
            parts.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line[:TELEGRAM_TEXT_LIMIT]
    return [*parts, current]


async def command_body(
    message: Message, command: CommandObject, bot: Bot, place: dict[str, Any]
) -> dict[str, Any]:
    """`POST /v1/commands`'s body: the command, where it was typed, who typed it (their
    own dialog, for `/send test`), what it replies to, and for `/send file` the ids in
    the file sent with the command (its caption is the command)."""
    text = f"/send {command.args or ''}".strip()
    body: dict[str, Any] = {"command": text, "place": place}
    if message.from_user is not None:
        body["external_id"] = str(message.from_user.id)
    if message.document is not None and text.split()[1:2] == ["file"]:
        body["file"] = await read_document(bot, message)
    source = replied_to(message)
    if source is not None and (content := content_of(source)) is not None:
        body["reply_to"] = content
    return body


async def read_document(bot: Bot, message: Message) -> str:
    """The text of the document a message carries (a file of ids)."""
    assert message.document is not None
    downloaded = await bot.download(message.document)
    assert downloaded is not None
    return downloaded.read().decode("utf-8", errors="replace")


@router.message(Command("send"))
async def on_send(
    message: Message, command: CommandObject, bot: Bot, group: Group, deps: Deps, update_id: int
) -> None:
    """Carry out the command once per update (the update is its idempotency key)."""
    place = await place_of(message, group, deps)
    if place is None:
        await patiently(lambda: message.reply(say(group.language, NOT_BOUND)))
        deps.metrics.commands.labels("unbound_topic").inc()
        return
    body = await command_body(message, command, bot, place)
    answer = await deps.api.command(
        await key_of(message, bot, group),
        body,
        language=group.language,
        idempotency_key=f"tg-{group.bot_id}-{update_id}",
    )
    thread = message.message_thread_id if message.is_topic_message else None
    where = repo.Sending(group.tenant_id, group.chat_id, thread, message.message_id)
    for campaign_id in answer.campaign_ids:
        await repo.record_sending(deps.pool, campaign_id, where)
    for part in chunks(answer.text):
        await patiently(lambda part=part: message.reply(part))  # type: ignore[misc]
    for campaign_id in answer.campaign_ids:
        await deps.announcer.catch_up(campaign_id)
    deps.metrics.commands.labels("answered" if answer.ok else "refused").inc()
    log.info("command answered", action=answer.action, ok=answer.ok, chat_id=group.chat_id)
