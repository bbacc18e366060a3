"""The base classes and field types every message uses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    field_validator,
    model_validator,
)
from pydantic_core import core_schema


class Message(BaseModel):
    """An event or command as it travels: immutable, and tolerant of fields added later."""

    model_config = ConfigDict(frozen=True, extra="ignore")


NUL_HELP = (
    "contains a NUL character (\\u0000), which no messenger sends and no database stores: remove it"
)


def holds_nul(value: Any) -> bool:
    """Whether a text, or a text inside a list or dict (keys too), has a NUL character."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple | set | frozenset):
        try:
            return "\x00" in "".join(value)  # texts only (a million ids): one scan
        except TypeError:
            return any(holds_nul(item) for item in value)
    if isinstance(value, dict):
        return any(holds_nul(key) or holds_nul(item) for key, item in value.items())
    return False


def _members(annotation: Any) -> list[Any]:
    """The types a field takes, `None` and `Annotated` aside: `int | None` -> [int]."""
    if get_origin(annotation) is Annotated:
        return _members(get_args(annotation)[0])
    if get_origin(annotation) in (Union, UnionType):
        return [member for arg in get_args(annotation) for member in _members(arg)]
    return [] if annotation is type(None) else [annotation]


def misread(annotation: Any, value: Any) -> str | None:
    """What is wrong with a JSON value pydantic would read into a field of this type
    though the field's JSON Schema refuses it: `true` or `false` for a number (read as
    1 or 0), a number for a date and time (read as seconds since 1970).  None: nothing."""
    members = _members(annotation)
    if isinstance(value, bool):
        if bool not in members and any(member in (int, float) for member in members):
            return f"a number, not {str(value).lower()}"
    elif (
        isinstance(value, int | float)
        and datetime in members
        and not any(member in (int, float) for member in members)
    ):
        return "a date and time as text (e.g. 2026-12-24T10:00:00Z), not a number"
    return None


class NulFree(BaseModel):
    """A body a person or another service writes: a field whose text holds a NUL
    character is refused, named, at validation (PostgreSQL would refuse it later,
    as a 500 or a message redelivered until dead-lettered); so is a value of a type
    the field's JSON Schema refuses though pydantic would read it (`misread`).
    Nested models check their own fields."""

    @model_validator(mode="before")
    @classmethod
    def _refuse_misread(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for name, field in cls.model_fields.items():
                wrong = misread(field.annotation, data.get(field.alias or name))
                if wrong is not None:
                    raise ValueError(f"{name}: {wrong}")
        return data

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_nul(cls, value: Any) -> Any:
        if holds_nul(value):
            raise ValueError(NUL_HELP)
        return value


class Input(NulFree):
    """A request a person or another platform service writes: unknown fields are
    refused, so a misspelt field is an error instead of being silently ignored,
    and so is a text with a NUL character."""

    model_config = ConfigDict(frozen=True, extra="forbid")


ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"

TenantId = Annotated[
    str, Field(pattern=ID_PATTERN, description="A tenant's id: letters, digits, `_`, `.`, `-`")
]
ConnectionId = Annotated[
    str,
    Field(
        pattern=ID_PATTERN,
        description="A connection's (sender account's) instance id: letters, digits, `_`, `.`, `-`",
    ),
]
ExternalId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=128,
        pattern=r"^[^\s,:]+$",
        description="The platform's id of a person: Telegram chat id, WhatsApp phone, IGSID",
    ),
]
ContactId = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}:[^\s,:]{1,128}$",
        description="A dialog: `<connection_id>:<external_id>`",
    ),
]

Messenger = Literal["telegram", "whatsapp", "instagram"]
"""The messenger a contact talks on; what an audience filter's `channels` name."""

ConnectionChannel = Literal["telegram_bot", "telegram_user", "whatsapp", "instagram"]
"""The kind of sender account a connection is."""

MESSENGER_OF: dict[str, Messenger] = {
    "telegram_bot": "telegram",
    "telegram_user": "telegram",
    "whatsapp": "whatsapp",
    "instagram": "instagram",
}


STORED: dict[str, Any] = {"stored": True}
"""The validation context for values a service reads back from its own tables:
checks added after they were stored (a media file's scheme) let them through,
so a campaign or template stored before stays readable."""


def is_stored(context: Any) -> bool:
    return isinstance(context, dict) and context.get("stored") is True


def contact_id(connection_id: str, external_id: str) -> str:
    """The id of the dialog between a connection and a person."""
    return f"{connection_id}:{external_id}"


OUT_OF_UTC_RANGE = "the time is out of the range of dates in UTC"


def _as_utc(value: datetime) -> datetime:
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00 is before the first UTC datetime
        raise ValueError(OUT_OF_UTC_RANGE) from None


class _InUtc:
    """Validates a parsed datetime into UTC: one whose offset is already zero (as
    every time the services write is) passes pydantic's own `tz_constraint=0` as
    it is, with no Python call; a naive one or one with another offset goes
    through `_as_utc`."""

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.chain_schema(
            [
                handler(source),
                core_schema.union_schema(
                    [
                        core_schema.datetime_schema(tz_constraint=0),
                        core_schema.no_info_plain_validator_function(_as_utc),
                    ],
                    mode="left_to_right",
                    custom_error_type="utc_range",
                    custom_error_message=f"Value error, {OUT_OF_UTC_RANGE}",
                ),
            ]
        )


UtcDatetime = Annotated[datetime, _InUtc]
"""A point in time; one without an offset is taken as UTC, one with an offset is
converted to UTC (its `tzinfo` has a zero offset: `datetime.UTC` or pydantic's
equal `TzInfo(0)`)."""


def utc_now() -> datetime:
    return datetime.now(UTC)


MAX_CLOCK_SKEW = timedelta(minutes=5)
"""How far ahead of a service's clock another's time may be and still be believed."""


def ahead_of_clock(at: datetime, now: datetime) -> bool:
    """Whether `at`, a time another service says has passed, is beyond `now` plus
    the skew clocks may have: a wrong time, not one to trust (a person who
    "wrote" in year 9999 would count as having written lately forever)."""
    return at - now > MAX_CLOCK_SKEW
