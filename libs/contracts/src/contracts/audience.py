"""Who a campaign reaches, and the contact (dialog) base it is drawn from."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BeforeValidator, Field, field_validator, model_validator
from pydantic.config import JsonDict

from .base import (
    ConnectionId,
    ContactId,
    ExternalId,
    Input,
    Message,
    Messenger,
    TenantId,
    UtcDatetime,
)
from .timing import Duration

MAX_LISTED = 1_000_000
MAX_LIST_PART = 10_000
"""Ids in one `audience.list.uploaded.v1` part."""
MAX_EXTERNAL_ID = 128
MAX_SAMPLE = 5
"""Contacts an estimate names as a sample of its audience, at most."""
_SEPARATORS = re.compile(r"[\s,;]+")


def split_id_list(value: Any) -> Any:
    """`"1, 2 3\\n4"` -> `["1", "2", "3", "4"]`: ids separated by commas, spaces or
    newlines, blanks dropped, duplicates removed keeping the first."""
    if isinstance(value, str):
        value = [part for part in _SEPARATORS.split(value) if part]
    if isinstance(value, list) and all(isinstance(v, int | str) for v in value):
        return list(dict.fromkeys(str(v).strip() for v in value))
    return value  # anything else is left for validation to refuse, naming the item


class ContactsAudience(Input):
    """Selected dialogs, by contact id."""

    kind: Literal["contacts"] = "contacts"
    contact_ids: Annotated[
        list[ContactId], BeforeValidator(split_id_list), Field(min_length=1, max_length=MAX_LISTED)
    ]


NULL: JsonDict = {"type": "null"}
ONE_SOURCE: JsonDict = {
    "oneOf": [
        {
            "required": ["external_ids"],
            "properties": {"external_ids": {"not": NULL}, "list_id": NULL},
        },
        {
            "required": ["list_id"],
            "properties": {"list_id": {"not": NULL}, "external_ids": NULL},
        },
    ]
}
"""`ListAudience._one_source` as JSON Schema says it: exactly one of the two."""
_ID_IN_TEXT = r"[^\s,;:]{1,128}"
ID_LIST_SCHEMA: JsonDict = {
    "anyOf": [
        {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_LISTED,
            "items": {
                "anyOf": [{"type": "string", "pattern": r"^[^\s,:]{1,128}$"}, {"type": "integer"}]
            },
        },
        {
            "type": "string",
            "pattern": f"^[\\s,;]*{_ID_IN_TEXT}(?:[\\s,;]+{_ID_IN_TEXT})*[\\s,;]*$",
            "description": "The ids separated by commas, semicolons, spaces or newlines",
        },
    ]
}
"""What `split_id_list` reads, as JSON Schema says it: a list of ids (strings or
numbers), or one text of them."""
NOT_BLANK_PATTERN = r"\S"
"""What `FilterAudience._no_blank_items` takes of each item, as JSON Schema says it."""


class ListAudience(Input):
    """Platform user ids, inline (`external_ids`: a JSON list, or one string separated
    by commas, spaces or newlines) or an uploaded file (`list_id`): exactly one."""

    kind: Literal["list"] = "list"
    external_ids: (
        Annotated[
            list[ExternalId],
            BeforeValidator(split_id_list),
            Field(min_length=1, max_length=MAX_LISTED),
        ]
        | None
    ) = None
    list_id: UUID | None = Field(
        default=None, description="A list uploaded with `POST /v1/audience/lists`"
    )

    @model_validator(mode="after")
    def _one_source(self) -> ListAudience:
        if (self.external_ids is None) == (self.list_id is None):
            raise ValueError("give exactly one of external_ids and list_id")
        return self


class FilterAudience(Input):
    """Every dialog matching all the given conditions (an absent condition matches all)."""

    kind: Literal["filter"] = "filter"
    channels: list[Messenger] | None = Field(default=None, min_length=1)
    connection_ids: list[ConnectionId] | None = Field(default=None, min_length=1)
    labels_any: list[str] | None = Field(
        default=None, min_length=1, description="has at least one of these labels"
    )
    labels_all: list[str] | None = Field(
        default=None, min_length=1, description="has every one of these labels"
    )
    functions_executed: list[str] | None = Field(
        default=None, min_length=1, description="every one of these bot functions ran in the dialog"
    )
    last_inbound_within: Duration | None = Field(
        default=None, description="the person wrote within this period, e.g. `7d`"
    )
    locales: list[str] | None = Field(default=None, min_length=1)
    name_contains: str | None = Field(default=None, min_length=1, max_length=200)

    @field_validator("labels_any", "labels_all", "functions_executed", "locales")
    @classmethod
    def _no_blank_items(cls, items: list[str] | None) -> list[str] | None:
        if items is not None and any(not item.strip() for item in items):
            raise ValueError("must not contain empty strings")
        return items


class AllAudience(Input):
    """Everyone the tenant has a dialog with."""

    kind: Literal["all"] = "all"


class TestAudience(Input):
    """Only the requesting user's own dialog, to see how the message looks.

    Over HTTP, a key made for a person's own dialog fills `external_id` (and the
    connection) itself; otherwise, and on the event path, it must be given."""

    kind: Literal["test"] = "test"
    external_id: ExternalId | None = None


Audience = Annotated[
    ContactsAudience | ListAudience | FilterAudience | AllAudience | TestAudience,
    Field(discriminator="kind"),
]


class ContactUpsertedV1(Message):
    """`contact.upserted.v1` on `dialogs`: a dialog was created or changed."""

    tenant_id: TenantId
    connection_id: ConnectionId
    channel: Messenger
    external_id: ExternalId
    name: str | None = None
    labels: list[str] = Field(default_factory=list)
    functions_executed: list[str] = Field(default_factory=list)
    last_inbound_at: UtcDatetime | None = None
    locale: str | None = None
    attributes: dict[str, str | int | float | bool | None] = Field(default_factory=dict)
    updated_at: UtcDatetime | None = Field(
        default=None,
        description="When the platform changed the dialog; an older upsert never "
        "overwrites newer data.  Absent: the time the event is received.",
    )


class MessageInboundV1(Message):
    """`message.inbound.v1` on `dialogs`: a person wrote to a connection.  A reply of
    `STOP` opts out and `START` back in, in the words of `contracts.optout`."""

    tenant_id: TenantId
    connection_id: ConnectionId
    external_id: ExternalId
    text: str | None = None
    received_at: UtcDatetime
    channel: Messenger | None = None


class ContactRecord(Message):
    """One contact of a bulk import."""

    connection_id: ConnectionId
    channel: Messenger
    external_id: ExternalId
    name: str | None = None
    labels: list[str] = Field(default_factory=list)
    functions_executed: list[str] = Field(default_factory=list)
    last_inbound_at: UtcDatetime | None = None
    locale: str | None = None
    attributes: dict[str, str | int | float | bool | None] = Field(default_factory=dict)
    opted_out: bool | None = None


class ContactsImportedV1(Message):
    """`contacts.imported.v1`: one batch of a bulk import, already validated."""

    tenant_id: TenantId
    import_id: str
    batch_no: int = Field(ge=1)
    contacts: list[ContactRecord]
    imported_at: UtcDatetime
    total_contacts: int | None = Field(
        default=None,
        ge=0,
        description="On an import's last batch only: the contacts of all its batches "
        "(after a bulk import the resolver refreshes its query statistics)",
    )


class AudienceSnapshotRequestedV1(Message):
    """`audience.snapshot.v1`: freeze a campaign's recipients now (sent at launch)."""

    campaign_id: UUID
    tenant_id: TenantId
    connection_id: ConnectionId
    audience: Audience
    batch_size: int = Field(default=1000, ge=1, le=10_000)


class AudienceEstimateRequestedV1(Message):
    """`audience.estimate.v1` (request/reply): how many an audience matches now,
    and, with `sample_size`, the first contacts it reaches."""

    tenant_id: TenantId
    connection_id: ConnectionId | None = None
    audience: Audience
    sample_size: int = Field(
        default=0,
        ge=0,
        le=MAX_SAMPLE,
        description="Name this many contacts the audience reaches (the reply's `sample`)",
    )
    window_since: UtcDatetime | None = Field(
        default=None,
        description="Pre-flight: also count, per connection and `timezone` attribute, "
        "those who last wrote before this moment or never (the reply's `groups`)",
    )


class AudienceGroup(Message):
    """Pre-flight: the contacts an audience reaches on one connection with one value
    of the `timezone` attribute, in one count."""

    connection_id: ConnectionId
    timezone: str | None = Field(
        default=None, description="The contacts' `timezone` attribute as given (None: absent)"
    )
    matching: int = Field(ge=0)
    window_closed: int = Field(
        ge=0, description="Of these, those who last wrote before `window_since`, or never"
    )


class SampleContact(Message):
    """A contact an audience reaches now, with the fields a message is personalised
    with (those of a `Recipient`)."""

    contact_id: ContactId
    connection_id: ConnectionId
    external_id: ExternalId
    name: str | None = None
    locale: str | None = None
    labels: list[str] = Field(default_factory=list)
    attributes: dict[str, str | int | float | bool | None] = Field(default_factory=dict)
    last_inbound_at: UtcDatetime | None = None

    def recipient(self, recipient_no: int) -> Recipient:
        """This contact as the recipient numbered `recipient_no`."""
        return Recipient.model_validate(
            {**self.model_dump(exclude={"connection_id"}), "recipient_no": recipient_no}
        )


class AudienceEstimateV1(Message):
    """The reply to `audience.estimate.v1`.  Listed people it does not reach are
    reported by reason: no dialog (`unknown_*`), or opted out (`opted_out_*`)."""

    audience_size: int
    by_connection: dict[str, int] = Field(default_factory=dict)
    unknown_external_ids: list[str] = Field(
        default_factory=list, description="listed ids with no dialog (first 1000)"
    )
    unknown_count: int = 0
    opted_out_external_ids: list[str] = Field(
        default_factory=list, description="listed ids whose dialogs opted out (first 1000)"
    )
    opted_out_count: int = 0
    error: str | None = Field(
        default=None, description="Why the audience cannot be resolved (an unknown list_id)"
    )
    groups: list[AudienceGroup] = Field(
        default_factory=list,
        description="With the request's `window_since`: the matching contacts by connection "
        "and `timezone` attribute",
    )
    sample: list[SampleContact] = Field(
        default_factory=list,
        description="Up to the request's `sample_size` contacts the audience reaches, never "
        "opted-out ones, the first in the order a snapshot numbers recipients (list order, "
        "or contact order for filters)",
    )


MAX_DIALOG_PAGE = 200
"""Dialogs in one `audience.dialogs.v1` reply, at most."""


class AudienceDialogsRequestedV1(Message):
    """`audience.dialogs.v1` (request/reply): one page of a tenant's dialogs, newest
    first, that meet `filters` and whose name or external id contains `q` (any
    case).  Opted-out dialogs are listed too, flagged: audiences leave them out."""

    tenant_id: TenantId
    filters: FilterAudience | None = Field(
        default=None, description="The conditions of a filter audience; absent: every dialog"
    )
    q: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        pattern=r"^[^\x00]+$",
        description="Text the dialog's name or external id contains, in any case",
    )
    cursor: str | None = Field(
        default=None, max_length=64, description="The `next_cursor` of the previous page"
    )
    limit: int = Field(default=50, ge=1, le=MAX_DIALOG_PAGE)


class Dialog(Message):
    """One dialog of a tenant as a list shows it.  `contact_id` is what a
    `contacts` audience names it by."""

    contact_id: str = Field(description="`<connection_id>:<external_id>`")
    connection_id: str
    channel: Messenger | None = Field(
        default=None, description="None for a dialog known only from an inbound message"
    )
    external_id: str
    name: str | None = None
    labels: list[str] = Field(default_factory=list)
    functions_executed: list[str] = Field(default_factory=list)
    last_inbound_at: UtcDatetime | None = None
    locale: str | None = None
    opted_out: bool = Field(
        default=False, description="The person opted out: no campaign includes this dialog"
    )


class AudienceDialogsV1(Message):
    """The reply to `audience.dialogs.v1`."""

    items: list[Dialog] = Field(default_factory=list)
    next_cursor: str | None = Field(
        default=None, description="Where the next page starts; None on the last page"
    )
    error: str | None = Field(
        default=None, description="Why the page cannot be given (a cursor it never gave)"
    )


class Recipient(Message):
    """One recipient of a campaign, numbered from 1 in snapshot order, with the
    contact's fields that personal fields, the composer and policies need."""

    recipient_no: int = Field(ge=1)
    contact_id: ContactId
    external_id: ExternalId
    name: str | None = None
    locale: str | None = None
    labels: list[str] = Field(default_factory=list)
    attributes: dict[str, str | int | float | bool | None] = Field(default_factory=dict)
    last_inbound_at: UtcDatetime | None = None


class RecipientsResolvedV1(Message):
    """`audience.recipients.resolved.v1`: one batch of a campaign's snapshot."""

    campaign_id: UUID
    tenant_id: TenantId
    batch_no: int = Field(ge=1)
    recipients: list[Recipient]


class AudienceSnapshottedV1(Message):
    """`audience.snapshotted.v1`: the snapshot is complete and every batch was published."""

    campaign_id: UUID
    tenant_id: TenantId
    audience_size: int = Field(ge=0)
    batch_count: int = Field(ge=0)
    unknown_external_ids: list[str] = Field(
        default_factory=list, description="listed ids with no dialog (first 1000)"
    )
    unknown_count: int = 0
    opted_out_external_ids: list[str] = Field(
        default_factory=list, description="listed ids whose dialogs opted out (first 1000)"
    )
    opted_out_count: int = 0
    error: str | None = Field(
        default=None,
        description="Why the audience could not be resolved (an unknown list_id): "
        "the snapshot is empty",
    )
    snapshotted_at: UtcDatetime


class AudienceListUploadedV1(Message):
    """`audience.list.uploaded.v1`: one part of an uploaded list of platform user
    ids, in file order (duplicates included: the resolver keeps each id's first)."""

    list_id: UUID
    tenant_id: TenantId
    part_no: int = Field(ge=1)
    first_position: int = Field(ge=1, description="The place of external_ids[0] in the list")
    external_ids: list[ExternalId] = Field(min_length=1, max_length=MAX_LIST_PART)


class AudienceListCloseRequestedV1(Message):
    """`audience.list.close.v1` (request/reply): every part of an uploaded list is
    published; the reply (`AudienceListV1`) says whether all are stored yet."""

    list_id: UUID
    tenant_id: TenantId
    part_count: int = Field(ge=1)
    connection_id: ConnectionId | None = Field(
        default=None, description="Estimate the list's reach on this connection only"
    )


class AudienceListV1(Message):
    """The reply to `audience.list.close.v1`."""

    list_id: UUID
    complete: bool = Field(description="False: parts are still being stored; ask again")
    stored_parts: int = 0
    ids: int = Field(default=0, description="Distinct ids, once complete")
    duplicates: int = Field(default=0, description="Repeats of an id listed before")
    estimate: AudienceEstimateV1 | None = Field(
        default=None, description="Whom the list reaches now, once complete"
    )


@dataclass(frozen=True)
class ListedId:
    """A platform user id read from a list file, and the line it is on."""

    line: int
    external_id: str


@dataclass(frozen=True)
class Junk:
    """Something in a list file that is not a platform user id, and why."""

    line: int
    text: str
    reason: str


_BYTE_SEPARATORS = re.compile(rb"[ \t\n\r\f\v,;]+")
_LONGEST_CARRY = 4 * MAX_EXTERNAL_ID + 16


def junk_reason(token: str) -> str | None:
    """Why `token` (no separators in it) is not an `ExternalId`, or None."""
    if len(token) > MAX_EXTERNAL_ID:
        return f"longer than {MAX_EXTERNAL_ID} characters"
    if ":" in token:
        return "contains ':'"
    if "\x00" in token:
        return "contains a NUL character"
    return None


class IdListReader:
    """Platform user ids from a list file fed in chunks of bytes: separated by
    commas, semicolons, spaces or newlines (the same as `split_id_list`), each
    with its line number; blank lines and `"quoted"` ids are fine; what is not an
    id (not UTF-8, too long, with a `:`) comes out as `Junk`.  Memory holds one
    chunk and at most one unfinished id, however large the file."""

    def __init__(self) -> None:
        self._carry = b""
        self._line = 1
        self._overlong = False

    def feed(self, chunk: bytes) -> Iterator[ListedId | Junk]:
        if self._overlong:  # the rest of an over-long token, reported already
            end = _BYTE_SEPARATORS.search(chunk)
            if end is None:
                return
            chunk = chunk[end.start() :]
            self._overlong = False
        data = self._carry + chunk
        line = self._line
        position = 0
        for match in _BYTE_SEPARATORS.finditer(data):
            if match.start() > position:
                yield from self._tokens(data[position : match.start()], line)
            line += data.count(b"\n", match.start(), match.end())
            position = match.end()
        self._line = line
        self._carry = data[position:]
        if len(self._carry) > _LONGEST_CARRY:
            yield Junk(line, _shown(self._carry), f"longer than {MAX_EXTERNAL_ID} characters")
            self._carry = b""
            self._overlong = True

    def close(self) -> Iterator[ListedId | Junk]:
        """The last id, when the file does not end with a separator."""
        carry, self._carry, self._overlong = self._carry, b"", False
        if carry:
            yield from self._tokens(carry, self._line)

    def _tokens(self, raw: bytes, line: int) -> Iterator[ListedId | Junk]:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            yield Junk(line, _shown(raw), f"not UTF-8 (byte {raw[error.start]:#04x})")
            return
        for part in _SEPARATORS.split(text):  # separators beyond ASCII (no-break space ...)
            token = part.strip('"\ufeff')
            if not token:
                continue
            reason = junk_reason(token)
            if reason is None:
                yield ListedId(line, token)
            else:
                yield Junk(line, _shown(token), reason)


def _shown(text: str | bytes, limit: int = 64) -> str:
    """What a report shows of something that is not an id."""
    if isinstance(text, bytes):
        text = text[: limit * 4].decode("utf-8", errors="replace")
    text = text.replace("\x00", "\\x00")
    return text if len(text) <= limit else text[:limit] + "..."
