"""The rules of the contact base and of audiences, pure: no broker, database or logs.

A contact (dialog) changes through three doors: `contact.upserted.v1`, a bulk
import batch, and inbound messages.  The profile (channel, name, labels, ...)
follows the most recent change; the last inbound time only moves forward; an
opt-out (a `STOP` reply, or an import row saying so) holds until the person
replies `START` later (the words of `contracts.optout`): the latest of the two
counts, whatever order they arrive in.

An audience is turned into a `Selection`: people listed one by one
(`contacts`, `list`, `test`), kept in the order given; an `Uploaded` list, in
its file's order; or `Conditions` every matching contact meets (`filter`,
`all`), in contact order.  Listed people an audience does not reach are
reported by reason: no dialog, or opted out.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from contracts.audience import (
    AllAudience,
    Audience,
    AudienceEstimateV1,
    ContactRecord,
    ContactsAudience,
    ContactsImportedV1,
    ContactUpsertedV1,
    FilterAudience,
    ListAudience,
    MessageInboundV1,
    TestAudience,
)
from contracts.base import MAX_CLOCK_SKEW, ahead_of_clock
from contracts.optout import OptCommand, opt_command
from contracts.timing import parse_duration

MAX_REPORTED_UNKNOWN = 1000
"""How many listed ids not reached are named, for each reason (all are counted)."""
STATISTICS_SHARE = 0.1
STATISTICS_MINIMUM = 50
"""A bulk import that adds or changes more than this share of the base (and this
many contacts) refreshes the statistics the query planner chooses indexes by."""


@dataclass(frozen=True)
class ContactChanges:
    """What an upsert or an import batch says about dialogs, all as of `updated_at`:
    one record per dialog, in the order given (new contacts are numbered in it)."""

    records: list[ContactRecord]
    updated_at: datetime


@dataclass(frozen=True)
class InboundActivity:
    """A person wrote to a connection: the dialog is alive, and may be opting out
    (`stop`) or back in (`start`)."""

    connection_id: str
    external_id: str
    channel: str | None
    received_at: datetime
    command: OptCommand | None


def time_ahead(now: datetime, **times: datetime | None) -> str | None:
    """Why a message is refused, if one of its `times` (each something that has
    happened: a person wrote, a dialog changed) is beyond `now` by more than the
    clocks' skew: a contact who "wrote" in year 9999 would be one who wrote
    lately forever, and an upsert "updated" then would let no later one in."""
    for name, at in times.items():
        if at is not None and ahead_of_clock(at, now):
            return (
                f"{name} {at.isoformat()} is more than {MAX_CLOCK_SKEW} ahead of this "
                "service's clock: give the time it happened"
            )
    return None


def changes_of_upsert(
    event: ContactUpsertedV1, *, sent_at: datetime | None, received_at: datetime
) -> ContactChanges:
    """An upsert is as recent as its `updated_at`; without one, as the moment it
    was published (the message's `timestamp`, which a redelivery keeps); without
    that either, as the moment it is received.  An upsert never opts a contact
    out, nor back in."""
    record = ContactRecord.model_validate(event.model_dump(exclude={"tenant_id", "updated_at"}))
    return ContactChanges(records=[record], updated_at=event.updated_at or sent_at or received_at)


def changes_of_import(batch: ContactsImportedV1) -> ContactChanges:
    """A later row of the same dialog wins, in the place of its first row.  A row
    can opt a contact out (as a `STOP` at the import's time would); `opted_out:
    false` never lifts an opt-out (only the person's `START` does)."""
    latest = {(record.connection_id, record.external_id): record for record in batch.contacts}
    return ContactChanges(records=list(latest.values()), updated_at=batch.imported_at)


def refreshes_statistics(batch: ContactsImportedV1, *, base_size: float) -> bool:
    """Whether the last batch of a bulk import should refresh the planner's
    statistics: the import changed a good share of the base (`base_size` is the
    planner's count of contacts; negative when it has never counted them)."""
    if batch.total_contacts is None:
        return False
    return batch.total_contacts > STATISTICS_MINIMUM + STATISTICS_SHARE * max(base_size, 0)


def activity_of(event: MessageInboundV1) -> InboundActivity:
    return InboundActivity(
        connection_id=event.connection_id,
        external_id=event.external_id,
        channel=event.channel,
        received_at=event.received_at,
        command=opt_command(event.text),
    )


@dataclass(frozen=True)
class Conditions:
    """What every contact of a filter audience meets; `None` is no condition.

    To add a condition: a field here, its line in `conditions_of`, its argument
    in `repo.selections.condition_arguments`, and its `($n IS NULL OR ...)` line
    in `sql/fragments/matching_conditions.sql`, which every statement that
    applies filters includes.
    """

    channels: list[str] | None = None
    connection_ids: list[str] | None = None
    labels_any: list[str] | None = None
    labels_all: list[str] | None = None
    functions_all: list[str] | None = None
    inbound_since: datetime | None = None
    locales: list[str] | None = None
    name_pattern: str | None = None


@dataclass(frozen=True)
class Listed:
    """People named one by one, in the order given.  `connection_ids[i]` is the
    connection `external_ids[i]` was named on, or None for any connection."""

    external_ids: list[str]
    connection_ids: list[str | None]
    reports_unknown: bool


@dataclass(frozen=True)
class Uploaded:
    """The people of an uploaded list, in its order."""

    list_id: UUID


Selection = Listed | Uploaded | Conditions


class Unresolvable(Exception):
    """An audience that names something that is not there (an unknown list)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def unknown_list(list_id: UUID) -> Unresolvable:
    return Unresolvable(
        f"no uploaded list {list_id} for this tenant: upload it with POST /v1/audience/lists"
    )


def normalized_locale(locale: str) -> str:
    """`en_US` -> `en-us`: how locales are compared."""
    return locale.strip().replace("_", "-").casefold()


def like_pattern(fragment: str) -> str:
    """An ILIKE pattern matching `fragment` anywhere, its wildcards taken literally."""
    escaped = fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def conditions_of(audience: FilterAudience | AllAudience, *, now: datetime) -> Conditions:
    if isinstance(audience, AllAudience):
        return Conditions()
    within = audience.last_inbound_within
    locales = audience.locales
    name = audience.name_contains
    return Conditions(
        channels=None if audience.channels is None else list(audience.channels),
        connection_ids=audience.connection_ids,
        labels_any=audience.labels_any,
        labels_all=audience.labels_all,
        functions_all=audience.functions_executed,
        inbound_since=None if within is None else now - parse_duration(within),
        locales=None if locales is None else [normalized_locale(locale) for locale in locales],
        name_pattern=None if name is None else like_pattern(name),
    )


@dataclass(frozen=True)
class DialogPosition:
    """A dialog's place in the dialog list (newest first): when it was first
    stored, and its contact row for dialogs stored at the same moment.  Neither
    ever changes, so pages never skip or repeat a dialog."""

    created_at: datetime
    ref: int


def dialog_cursor(position: DialogPosition) -> str:
    """The opaque cursor of the page after `position`."""
    text = f"{position.created_at.isoformat()}|{position.ref}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def read_dialog_cursor(cursor: str | None) -> DialogPosition | None:
    """Where the page `cursor` names starts (None: at the newest).  Raises
    `Unresolvable` for a text `dialog_cursor` never made."""
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, _, ref = text.partition("|")
        position = DialogPosition(datetime.fromisoformat(at), int(ref))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        position = None
    if position is None or position.created_at.tzinfo is None:
        raise Unresolvable(
            "cursor: not a cursor of this list; give the next_cursor of the previous page"
        )
    return position


def search_pattern(q: str | None) -> str | None:
    """The ILIKE pattern of a dialog search: `q` anywhere, in any case."""
    return None if q is None else like_pattern(q)


def _dialog(contact_id: str) -> tuple[str, str]:
    connection_id, _, external_id = contact_id.partition(":")
    return connection_id, external_id


def _listed_dialogs(contact_ids: Iterable[str], connection_id: str | None) -> Listed:
    dialogs = [_dialog(contact_id) for contact_id in contact_ids]
    kept = [d for d in dialogs if connection_id is None or d[0] == connection_id]
    return Listed(
        external_ids=[external_id for _, external_id in kept],
        connection_ids=[connection for connection, _ in kept],
        reports_unknown=False,
    )


def _listed_people(external_ids: list[str]) -> Listed:
    return Listed(
        external_ids=external_ids,
        connection_ids=[None] * len(external_ids),
        reports_unknown=True,
    )


def selection_of(audience: Audience, *, connection_id: str | None, now: datetime) -> Selection:
    """Who `audience` names, on one connection (or on every one when None).

    Selected dialogs of other connections are simply not this connection's."""
    if isinstance(audience, ContactsAudience):
        return _listed_dialogs(audience.contact_ids, connection_id)
    if isinstance(audience, ListAudience):
        if audience.list_id is not None:
            return Uploaded(audience.list_id)
        assert audience.external_ids is not None  # one of the two, by the contract
        return _listed_people(audience.external_ids)
    if isinstance(audience, TestAudience):
        return _listed_people([audience.external_id] if audience.external_id else [])
    return conditions_of(audience, now=now)


@dataclass(frozen=True)
class Missed:
    """Listed people not reached for one reason: how many, and the first of them
    in list order."""

    count: int = 0
    first: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Unreached:
    """Listed people an audience does not reach: without a dialog (on the
    connection), or whose dialogs opted out."""

    unknown: Missed = field(default_factory=Missed)
    opted_out: Missed = field(default_factory=Missed)


@dataclass(frozen=True)
class Snapshot:
    """A campaign's audience as frozen at launch; its recipients are stored apart."""

    campaign_id: UUID
    tenant_id: str
    audience_size: int
    unreached: Unreached
    taken_at: datetime
    error: str | None = None


@dataclass(frozen=True)
class RecipientPage:
    """Recipients `first_no` onwards, as the JSON array of `Recipient`s."""

    first_no: int
    json: str


@dataclass(frozen=True)
class ListState:
    """An uploaded list: how many of its parts are stored, and once all are, its
    distinct ids and how many repeats there were."""

    stored_parts: int
    complete: bool
    ids: int = 0
    duplicates: int = 0


def estimate_of(
    matching: Mapping[str, int], unreached: Unreached, *, connection_id: str | None
) -> AudienceEstimateV1:
    """Counts per connection; one asked about is named even when nobody matches."""
    by_connection = (
        dict(matching) if connection_id is None else {connection_id: matching.get(connection_id, 0)}
    )
    return AudienceEstimateV1(
        audience_size=sum(by_connection.values()),
        by_connection=by_connection,
        unknown_external_ids=unreached.unknown.first,
        unknown_count=unreached.unknown.count,
        opted_out_external_ids=unreached.opted_out.first,
        opted_out_count=unreached.opted_out.count,
    )


def unresolvable_estimate(
    problem: Unresolvable, *, connection_id: str | None
) -> AudienceEstimateV1:
    empty = estimate_of({}, Unreached(), connection_id=connection_id)
    return empty.model_copy(update={"error": problem.reason})
