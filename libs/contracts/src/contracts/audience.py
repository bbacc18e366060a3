"""Who a campaign reaches, and the contact (dialog) base it is drawn from."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BeforeValidator, Field, field_validator

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


class ListAudience(Input):
    """Platform user ids: a JSON list, or one string separated by commas, spaces or newlines."""

    kind: Literal["list"] = "list"
    external_ids: Annotated[
        list[ExternalId], BeforeValidator(split_id_list), Field(min_length=1, max_length=MAX_LISTED)
    ]


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
    """`message.inbound.v1` on `dialogs`: a person wrote to a connection.  `STOP` opts out."""

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


class AudienceSnapshotRequestedV1(Message):
    """`audience.snapshot.v1`: freeze a campaign's recipients now (sent at launch)."""

    campaign_id: UUID
    tenant_id: TenantId
    connection_id: ConnectionId
    audience: Audience
    batch_size: int = Field(default=1000, ge=1, le=10_000)


class AudienceEstimateRequestedV1(Message):
    """`audience.estimate.v1` (request/reply): how many an audience matches now."""

    tenant_id: TenantId
    connection_id: ConnectionId | None = None
    audience: Audience


class AudienceEstimateV1(Message):
    """The reply to `audience.estimate.v1`."""

    audience_size: int
    by_connection: dict[str, int] = Field(default_factory=dict)
    unknown_external_ids: list[str] = Field(default_factory=list)


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
    snapshotted_at: UtcDatetime
