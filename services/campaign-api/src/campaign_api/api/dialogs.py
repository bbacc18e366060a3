"""The dialog list: a tenant's dialogs, searched and filtered, a page at a time."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from contracts.audience import MAX_DIALOG_PAGE, FilterAudience
from contracts.base import ConnectionId, Messenger
from contracts.timing import DURATION_PATTERN, TimeFormatError, parse_duration
from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError

from ..domain.model import Refusal
from ..usecases import dialogs
from .deps import Member, Services
from .problems import MEMBER_CALL

router = APIRouter(prefix="/v1/dialogs", tags=["dialogs"], responses=MEMBER_CALL)

TEXT = r"^[^\x00]*$"
"""Any text without a NUL character."""
WORD = r"^[^\x00]*\S[^\x00]*$"
"""A text that is not blank, without a NUL character (a label, a function, a locale)."""

QUERY_OF_FIELD = {
    "channels": "channel",
    "connection_ids": "connection_id",
    "labels_any": "label_any",
    "labels_all": "label_all",
    "functions_executed": "function",
    "locales": "locale",
}
"""The query parameter of each `FilterAudience` field whose name differs."""

Words = list[Annotated[str, Field(pattern=WORD)]] | None
LabelsAny = Annotated[Words, Query(min_length=1, description="Has at least one of these labels")]
LabelsAll = Annotated[Words, Query(min_length=1, description="Has every one of these labels")]
Functions = Annotated[Words, Query(min_length=1, description="Each of these bot functions ran")]
Locales = Annotated[Words, Query(min_length=1, description="`de` matches `de-AT` too")]


class DialogOut(BaseModel):
    contact_id: str = Field(
        description='`<connection_id>:<external_id>`: what `{"kind": "contacts", '
        '"contact_ids": [...]}` names the dialog by'
    )
    connection_id: str
    channel: Messenger | None = Field(description="None for a dialog known only from a message")
    external_id: str
    name: str | None
    labels: list[str]
    functions_executed: list[str]
    last_inbound_at: datetime | None
    locale: str | None
    opted_out: bool = Field(description="The person opted out: campaigns leave the dialog out")


class DialogPage(BaseModel):
    items: list[DialogOut]
    next_cursor: str | None = Field(description="Where the next page starts; null on the last")


def filters_of(**conditions: Any) -> FilterAudience | None:
    """The filter audience of the conditions given (None: none is); an invalid
    one answers 422 naming its query parameter."""
    given = {name: value for name, value in conditions.items() if value is not None}
    if not given:
        return None
    within = given.get("last_inbound_within")
    if within is not None:
        _check_within(within)
    try:
        return FilterAudience(**given)
    except ValidationError as error:
        details = [
            {**detail, "loc": _query_location(detail["loc"])}
            for detail in error.errors(include_url=False)
        ]
        raise RequestValidationError(details) from None


def _check_within(text: str) -> None:
    """A period the pattern allows but no rule does (over ten years) is refused
    with the rule's code, as the same audience in a body is."""
    try:
        parse_duration(text)
    except TimeFormatError as error:
        raise Refusal(f"last_inbound_within: {error}", "bad_filter") from None


def _query_location(loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """`("labels_any", 0)` -> `("query", "label_any", 0)`."""
    if not loc:
        return ("query",)
    field, *rest = loc
    return ("query", QUERY_OF_FIELD.get(str(field), field), *rest)


@router.get("", response_model=DialogPage)
async def list_dialogs(
    svc: Services,
    caller: Member,
    channel: Annotated[list[Messenger] | None, Query(min_length=1)] = None,
    connection_id: Annotated[list[ConnectionId] | None, Query(min_length=1)] = None,
    label_any: LabelsAny = None,
    label_all: LabelsAll = None,
    function: Functions = None,
    last_inbound_within: Annotated[
        str | None,
        Query(pattern=DURATION_PATTERN, description="The person wrote within this period: `7d`"),
    ] = None,
    locale: Locales = None,
    name_contains: Annotated[str | None, Query(min_length=1, max_length=200, pattern=TEXT)] = None,
    q: Annotated[
        str | None,
        Query(max_length=200, pattern=TEXT, description="Text in the name or external id"),
    ] = None,
    cursor: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_DIALOG_PAGE)] = dialogs.DEFAULT_LIMIT,
) -> DialogPage:
    """The tenant's dialogs, newest first, that meet every condition given (those
    of a `filter` audience) and whose name or external id contains `q`, in any
    case.  Opted-out dialogs are listed, flagged: campaigns leave them out.  An
    item's `contact_id` goes in a `contacts` audience."""
    filters = filters_of(
        channels=channel,
        connection_ids=connection_id,
        labels_any=label_any,
        labels_all=label_all,
        functions_executed=function,
        last_inbound_within=last_inbound_within,
        locales=locale,
        name_contains=name_contains,
    )
    page = await dialogs.list_dialogs(svc, caller, filters, q, cursor, limit)
    items = [DialogOut.model_validate(item.model_dump()) for item in page.items]
    return DialogPage(items=items, next_cursor=page.next_cursor)
