"""Operator groups: a tenant's Telegram group where its admins and operators type
`/send` to the operator-bot, and the topics of it bound to one customer each.
The bot's token and the API keys minted for it are kept and published sealed;
the API shows the token masked and never the keys."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from contracts.base import ConnectionId, ExternalId
from contracts.operator_groups import BotLanguage
from fastapi import APIRouter, Path, Response
from pydantic import AfterValidator, BaseModel, Field

from ..repo.operator_groups import TopicBinding
from ..usecases import operator_groups
from ..usecases.operator_groups import GroupLink, GroupShown, TopicTarget
from .credentials import BotToken
from .deps import Admin, Member, Services
from .problems import MEMBER_CALL, problems
from .schemas import Body

router = APIRouter(prefix="/v1/operator-groups", tags=["operator groups"], responses=MEMBER_CALL)

SUPERGROUP_HELP = (
    "a supergroup's chat id: -100 and then its digits, e.g. -1001234567890 (forward a "
    "message of the group to @getidsbot, or see the group's link t.me/c/<digits>)"
)
MAX_ALLOWED_USERS = 1000


LOWEST_CHAT_ID = -(2**53)
"""Telegram's ids fit in 52 bits (and in a JSON number)."""


def supergroup_id(value: int) -> int:
    """A Telegram supergroup's id: `-100` followed by at least ten digits."""
    if not LOWEST_CHAT_ID <= value <= -1_000_000_000_000:
        raise ValueError(f"{value} is not {SUPERGROUP_HELP}")
    return value


ChatPath = Annotated[
    int,
    Path(
        description="The group's chat id (a supergroup's: `-100...`)",
        json_schema_extra={"minimum": LOWEST_CHAT_ID, "maximum": -1_000_000_000_000},
    ),
    AfterValidator(supergroup_id),
]
ThreadPath = Annotated[int, Path(ge=1, le=2**31 - 1, description="The topic's message_thread_id")]


TelegramUserId = Annotated[int, Field(gt=0, le=2**53 - 1)]
"""A Telegram user id: positive, of at most 52 significant bits as Telegram
promises (exact as a JSON number; a larger one is a 422, not a bigint overflow)."""


class OperatorGroupIn(Body):
    bot_token: BotToken
    language: BotLanguage = Field(
        default="en", description="The language the bot answers in: en, ru or de"
    )
    allowed_user_ids: list[TelegramUserId] = Field(
        default_factory=list,
        max_length=MAX_ALLOWED_USERS,
        description="Telegram user ids who may start mass sendings besides the group's "
        "administrators",
    )


class TopicIn(Body):
    connection_id: ConnectionId
    external_id: ExternalId


class TopicOut(BaseModel):
    thread_id: int
    connection_id: str
    external_id: str
    bound_at: datetime


class OperatorGroupOut(BaseModel):
    chat_id: int
    bot_token: str = Field(description="Masked: never returned in full")
    language: BotLanguage
    allowed_user_ids: list[int]
    topics: list[TopicOut] = Field(description="The topics bound to one customer's dialog each")
    created_at: datetime
    updated_at: datetime


def _topic(binding: TopicBinding) -> TopicOut:
    return TopicOut(
        thread_id=binding.thread_id,
        connection_id=binding.connection_id,
        external_id=binding.external_id,
        bound_at=binding.bound_at,
    )


def group_out(shown: GroupShown) -> OperatorGroupOut:
    group = shown.group
    return OperatorGroupOut(
        chat_id=group.chat_id,
        bot_token=shown.masked_token,
        language=group.language,
        allowed_user_ids=list(group.allowed_user_ids),
        topics=[_topic(t) for t in shown.topics],
        created_at=group.created_at,
        updated_at=group.updated_at,
    )


@router.put(
    "/{chat_id}",
    response_model=OperatorGroupOut,
    responses={201: {"model": OperatorGroupOut, "description": "A newly linked group"}},
)
async def link_group(
    chat_id: ChatPath, body: OperatorGroupIn, svc: Services, caller: Admin, response: Response
) -> OperatorGroupOut:
    """Link the tenant's operators' group (or link it again): the bot's token, the
    language it answers in, the users allowed mass sendings besides the group's
    administrators.  Two API keys are minted for the bot (admin and operator,
    labelled `operator-bot <chat_id>`), replacing (revoking) those of the last link;
    the bot gets them sealed in `operator_group.linked.v1`."""
    link = GroupLink(chat_id, body.bot_token, body.language, tuple(body.allowed_user_ids))
    shown, created = await operator_groups.link_group(svc, caller, link)
    response.status_code = 201 if created else 200
    return group_out(shown)


@router.get("", response_model=list[OperatorGroupOut])
async def list_groups(svc: Services, caller: Member) -> list[OperatorGroupOut]:
    """The tenant's linked groups, with their bound topics."""
    return [group_out(shown) for shown in await operator_groups.list_groups(svc, caller)]


@router.get("/{chat_id}", response_model=OperatorGroupOut, responses=problems(404))
async def show_group(chat_id: ChatPath, svc: Services, caller: Member) -> OperatorGroupOut:
    """A linked group: its masked token, language, allowed users and bound topics."""
    return group_out(await operator_groups.show_group(svc, caller, chat_id))


@router.delete("/{chat_id}", status_code=204, responses=problems(404))
async def unlink_group(chat_id: ChatPath, svc: Services, caller: Admin) -> Response:
    """Unlink the group: its bot's keys are revoked, its topics forgotten, and the
    bot stops answering there (`operator_group.linked.v1` with `unlinked`)."""
    await operator_groups.unlink_group(svc, caller, chat_id)
    return Response(status_code=204)


@router.put(
    "/{chat_id}/topics/{thread_id}",
    response_model=TopicOut,
    responses={201: {"model": TopicOut, "description": "A newly bound topic"}, **problems(404)},
)
async def bind_topic(
    chat_id: ChatPath,
    thread_id: ThreadPath,
    body: TopicIn,
    svc: Services,
    caller: Admin,
    response: Response,
) -> TopicOut:
    """Bind a topic of a linked group to one customer's dialog: there `/send
    TEMPLATE [TIME]` sends to that customer (`dialog.topic.bound.v1` on `dialogs`;
    the platform that owns the inbox may publish it itself instead)."""
    target = TopicTarget(chat_id, thread_id, body.connection_id, body.external_id)
    bound, created = await operator_groups.bind_topic(svc, caller, target)
    response.status_code = 201 if created else 200
    return _topic(bound)


@router.delete("/{chat_id}/topics/{thread_id}", response_model=TopicOut, responses=problems(404))
async def unbind_topic(
    chat_id: ChatPath, thread_id: ThreadPath, svc: Services, caller: Admin
) -> TopicOut:
    """Unbind a topic (`dialog.topic.bound.v1` with `unbound`); the binding it had."""
    return _topic(await operator_groups.unbind_topic(svc, caller, chat_id, thread_id))
