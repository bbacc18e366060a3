"""The dialog list: a tenant's dialogs (contacts), searched and filtered, a page at
a time; what a person ticks dialogs in to make a `contacts` audience."""

from __future__ import annotations

from contracts.audience import AudienceDialogsRequestedV1, Dialog, FilterAudience
from pydantic import ValidationError
from service_kit.errors import summarize

from ..domain.model import Principal, Refusal
from ..estimates import dialogs
from .access import member_tenant
from .campaigns import Page
from .services import AppServices

DEFAULT_LIMIT = 50


async def list_dialogs(
    svc: AppServices,
    caller: Principal,
    filters: FilterAudience | None = None,
    q: str | None = None,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Page[Dialog]:
    """Up to `limit` (1-200) of the caller's tenant's dialogs, newest first, that
    meet `filters` and whose name or external id contains `q` (in any case; blank
    is no search), from `cursor` (a page's `next_cursor`; None: the first page).
    Opted-out dialogs are listed too, flagged `opted_out`: campaigns leave them
    out.  An item's `contact_id` names its dialog in a `contacts` audience.

    Refuses (422, naming the field) a limit out of range, a `q` over 200
    characters or with a NUL, a cursor this list never gave; 503 when the
    audience-resolver does not answer in time."""
    try:
        request = AudienceDialogsRequestedV1(
            tenant_id=member_tenant(caller),
            filters=filters,
            q=(q or "").strip() or None,
            cursor=cursor,
            limit=limit,
        )
    except ValidationError as error:
        raise Refusal(summarize(error), "invalid") from None
    found = await dialogs(
        svc.runtime.broker, request, wait_seconds=svc.settings.estimate_timeout_seconds
    )
    if found.error is not None:
        raise Refusal(found.error, "bad_cursor")
    return Page(found.items, found.next_cursor)
