"""The campaigns page ("Рассылки"): every campaign with its progress, filtered by
status and connection, a page at a time, kept live by the page's script."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request
from starlette.responses import JSONResponse, Response

from ...api.deps import Services
from ...domain.model import FINISHED, CampaignRecord
from ...repo import campaigns as campaigns_repo
from ...usecases import campaigns
from ...usecases.access import member_tenant
from ...usecases.connections import list_connections
from ..deps import Signed
from ..labels import STATUS_LABELS, translate
from ..progress import progress_of
from ..rendering import language_of, render

router = APIRouter()
PAGE_SIZE = 25
LIVE_MAX = 100
Status = Literal["", "scheduled", "running", "paused", "completed", "cancelled"]


@router.get("/campaigns")
async def campaigns_page(
    request: Request,
    svc: Services,
    session: Signed,
    status: Status | None = None,
    connection: Annotated[str | None, Query(max_length=64)] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    page = await campaigns.list_campaigns(
        svc,
        session.principal,
        status=status or None,
        connection_id=connection or None,
        cursor=cursor,
        limit=PAGE_SIZE,
    )
    context = {
        "rows": [(record, progress_of(record)) for record in page.items],
        "next_cursor": page.next_cursor,
        "first_page": cursor is None,
        "status": status,
        "connection": connection,
        "statuses": STATUS_LABELS,
        "connections": await list_connections(svc, session.principal),
    }
    return render(request, "campaigns.html", session, context)


def live_state(record: CampaignRecord, language: str) -> dict[str, object]:
    """What the page's script redraws for one campaign."""
    return {
        "status": record.shown_status,
        "status_label": translate(language, STATUS_LABELS[record.shown_status]),
        "finished": record.status in FINISHED,
        **progress_of(record).as_json(),
    }


@router.get("/campaigns/live")
async def live_progress(
    request: Request,
    svc: Services,
    session: Signed,
    ids: Annotated[list[UUID], Query(max_length=LIVE_MAX)],
) -> Response:
    """The progress of the campaigns the page shows, by id (the caller's tenant's only)."""
    found = await campaigns_repo.get_campaigns(svc.pool, member_tenant(session.principal), ids)
    language = language_of(request)
    return JSONResponse({str(r.id): live_state(r, language) for r in found})
