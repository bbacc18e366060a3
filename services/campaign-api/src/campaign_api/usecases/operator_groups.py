"""A tenant's operators' Telegram group, linked for the operator-bot: the bot's
token, the language it answers in, the users who may start mass sendings besides
the group's administrators, and the two API keys the bot acts with (admin and
operator), minted here and kept sealed with the token.  Every change reaches the
bot as `operator_group.linked.v1` through the outbox; the topics bound to one
customer each are announced as `dialog.topic.bound.v1` on `dialogs`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from contracts.names import DIALOGS_EXCHANGE, INTERNAL_EXCHANGE, RoutingKey
from contracts.operator_groups import BotLanguage, DialogTopicBoundV1, OperatorGroupLinkedV1
from service_kit.logs import get_logger
from service_kit.outbox import OutgoingMessage, add_to_outbox
from service_kit.secrets import SecretUnreadable

from ..auth import new_api_key
from ..domain.connections import mask
from ..domain.model import Principal, Refusal, Role
from ..repo import Conn
from ..repo import accounts as accounts_repo
from ..repo import api_keys as api_keys_repo
from ..repo import operator_groups as groups_repo
from ..repo.operator_groups import OperatorGroup, TopicBinding, keys_label
from .access import admin_tenant, member_tenant
from .services import AppServices

log = get_logger(__name__)


@dataclass(frozen=True)
class GroupLink:
    """What a tenant admin gives to link (or relink) a group."""

    chat_id: int
    bot_token: str
    language: BotLanguage = "en"
    allowed_user_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class GroupShown:
    """A linked group as the API and the console show it: never the keys, the
    token masked (`****` and its last four characters)."""

    group: OperatorGroup
    masked_token: str
    topics: list[TopicBinding]


def _unknown_group(chat_id: int) -> Refusal:
    return Refusal(
        f"no operator group {chat_id} is linked: link it with PUT /v1/operator-groups/{chat_id}",
        "not_found",
        status=404,
    )


def _masked(svc: AppServices, group: OperatorGroup) -> str:
    try:
        return mask(svc.box.open(group.sealed_bot_token))
    except SecretUnreadable as error:
        log.error(str(error), chat_id=group.chat_id)
        return "****"


async def _shown(svc: AppServices, conn: Conn, group: OperatorGroup) -> GroupShown:
    topics = await groups_repo.list_topics(conn, group.tenant_id, group.chat_id)
    return GroupShown(group, _masked(svc, group), topics)


def _linked_event(group: OperatorGroup, *, unlinked: bool = False) -> OutgoingMessage:
    event = OperatorGroupLinkedV1(
        tenant_id=group.tenant_id,
        chat_id=group.chat_id,
        sealed_bot_token=group.sealed_bot_token,
        sealed_keys=group.sealed_keys,
        language=group.language,
        allowed_user_ids=list(group.allowed_user_ids),
        unlinked=unlinked,
        changed_at=group.updated_at,
    )
    return OutgoingMessage(INTERNAL_EXCHANGE, RoutingKey.OPERATOR_GROUP_LINKED, event)


async def _mint_keys(
    conn: Conn, tenant_id: str, chat_id: int
) -> tuple[dict[str, str], list[uuid.UUID]]:
    """A new admin key and operator key for the group's bot: the keys, and their ids."""
    keys: dict[str, str] = {}
    ids: list[uuid.UUID] = []
    roles: tuple[Role, ...] = ("admin", "operator")
    for role in roles:
        key, key_hash, prefix = new_api_key()
        record = await api_keys_repo.insert_api_key(
            conn,
            tenant_id=tenant_id,
            role=role,
            key_hash=key_hash,
            key_prefix=prefix,
            label=keys_label(chat_id),
            dialog=None,
        )
        keys[role] = key
        ids.append(record.id)
    return keys, ids


async def link_group(
    svc: AppServices, caller: Principal, link: GroupLink
) -> tuple[GroupShown, bool]:
    """Link the group, or link it again: every time a new pair of keys is minted
    and the group's keys before are revoked (a token shown once cannot be shown
    again, so the bot gets the new ones).  The group and whether it is new."""
    tenant_id = admin_tenant(caller)
    async with svc.pool.acquire() as conn, conn.transaction():
        keys, key_ids = await _mint_keys(conn, tenant_id, link.chat_id)
        group, created = await groups_repo.upsert_group(
            conn,
            tenant_id=tenant_id,
            chat_id=link.chat_id,
            sealed_bot_token=svc.box.seal(link.bot_token),
            sealed_keys=svc.box.seal_credentials(keys),
            language=link.language,
            allowed_user_ids=tuple(dict.fromkeys(link.allowed_user_ids)),
        )
        await groups_repo.revoke_group_keys(conn, tenant_id, link.chat_id, keep=tuple(key_ids))
        await add_to_outbox(conn, [_linked_event(group)])
        shown = await _shown(svc, conn, group)
    svc.runtime.outbox.notify()
    log.info("operator group linked", tenant_id=tenant_id, chat_id=link.chat_id, new=created)
    return shown, created


async def list_groups(svc: AppServices, caller: Principal) -> list[GroupShown]:
    """The tenant's linked groups, with their topics."""
    tenant_id = member_tenant(caller)
    async with svc.pool.acquire() as conn:
        return [await _shown(svc, conn, g) for g in await groups_repo.list_groups(conn, tenant_id)]


async def show_group(svc: AppServices, caller: Principal, chat_id: int) -> GroupShown:
    """One linked group of the tenant, with its topics (404 when not linked)."""
    tenant_id = member_tenant(caller)
    async with svc.pool.acquire() as conn:
        group = await groups_repo.get_group(conn, tenant_id, chat_id)
        if group is None:
            raise _unknown_group(chat_id)
        return await _shown(svc, conn, group)


async def unlink_group(svc: AppServices, caller: Principal, chat_id: int) -> None:
    """Unlink the group: its keys revoked, its topics forgotten, the bot told
    (`unlinked`) so it stops answering there."""
    tenant_id = admin_tenant(caller)
    async with svc.pool.acquire() as conn, conn.transaction():
        group = await groups_repo.delete_group(conn, tenant_id, chat_id)
        if group is None:
            raise _unknown_group(chat_id)
        await groups_repo.revoke_group_keys(conn, tenant_id, chat_id)
        await add_to_outbox(conn, [_linked_event(group, unlinked=True)])
    svc.runtime.outbox.notify()
    log.info("operator group unlinked", tenant_id=tenant_id, chat_id=chat_id)


def _bound_event(
    tenant_id: str, chat_id: int, binding: TopicBinding, *, unbound: bool = False
) -> OutgoingMessage:
    event = DialogTopicBoundV1(
        tenant_id=tenant_id,
        chat_id=chat_id,
        thread_id=binding.thread_id,
        connection_id=binding.connection_id,
        external_id=binding.external_id,
        unbound=unbound,
        bound_at=binding.bound_at,
    )
    return OutgoingMessage(DIALOGS_EXCHANGE, RoutingKey.DIALOG_TOPIC_BOUND, event)


@dataclass(frozen=True)
class TopicTarget:
    """Which topic of which group, and the customer's dialog it talks with."""

    chat_id: int
    thread_id: int
    connection_id: str
    external_id: str


async def bind_topic(
    svc: AppServices, caller: Principal, target: TopicTarget
) -> tuple[TopicBinding, bool]:
    """Bind a topic of a linked group to one customer's dialog (a connection of
    the tenant and the customer's id on it); the binding and whether it is new."""
    tenant_id = admin_tenant(caller)
    chat_id = target.chat_id
    async with svc.pool.acquire() as conn, conn.transaction():
        if await groups_repo.get_group(conn, tenant_id, chat_id) is None:
            raise _unknown_group(chat_id)
        if await accounts_repo.get_connection(conn, tenant_id, target.connection_id) is None:
            raise Refusal(
                f"connection_id: unknown connection {target.connection_id!r}: name one of "
                "GET /v1/connections",
                "unknown_connection",
            )
        stored, created = await groups_repo.bind_topic(
            conn, tenant_id, chat_id, target.thread_id, target.connection_id, target.external_id
        )
        await add_to_outbox(conn, [_bound_event(tenant_id, chat_id, stored)])
    svc.runtime.outbox.notify()
    return stored, created


async def unbind_topic(
    svc: AppServices, caller: Principal, chat_id: int, thread_id: int
) -> TopicBinding:
    """Unbind a topic (`unbound`); the binding it had."""
    tenant_id = admin_tenant(caller)
    async with svc.pool.acquire() as conn, conn.transaction():
        removed = await groups_repo.unbind_topic(conn, tenant_id, chat_id, thread_id)
        if removed is None:
            raise Refusal(
                f"topic {thread_id} of operator group {chat_id} is bound to no dialog",
                "not_found",
                status=404,
            )
        await add_to_outbox(conn, [_bound_event(tenant_id, chat_id, removed, unbound=True)])
    svc.runtime.outbox.notify()
    return removed
