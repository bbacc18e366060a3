"""One campaign: its counters, failures by reason, parameters and results; its CSV
report; cancel (with a confirmation) and resend to those it did not reach."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, StreamingResponse
from starlette.responses import Response

from ...api.deps import Services
from ...resends import ResendRequest
from ...usecases import campaigns
from ..deps import Posting, Signed
from ..labels import CHANNEL_LABELS, DELIVERY_LABELS, STATUS_LABELS
from ..parameters import audience_rows, content_rows
from ..progress import progress_of
from ..rendering import render

router = APIRouter(prefix="/campaigns/{campaign_id}")
RESULTS_PAGE = 50
DeliveryStatus = Literal[
    "", "pending", "waiting", "sent", "failed", "skipped", "cancelled", "unknown"
]


@router.get("")
async def campaign_page(
    request: Request,
    campaign_id: UUID,
    svc: Services,
    session: Signed,
    status: DeliveryStatus = "",
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    resend: Literal["", "nobody"] = "",
) -> Response:
    shown = await campaigns.show_campaign(svc, session.principal, campaign_id)
    results = await campaigns.list_deliveries(
        svc,
        session.principal,
        campaign_id,
        status=status or None,
        cursor=cursor,
        limit=RESULTS_PAGE,
    )
    record = shown.record
    context = {
        "record": record,
        "shown": shown,
        "progress": progress_of(record),
        "audience_rows": audience_rows(record),
        "content_rows": content_rows(record),
        "results": results,
        "result_status": status,
        "first_results": cursor is None,
        "statuses": STATUS_LABELS,
        "delivery_labels": DELIVERY_LABELS,
        "channel_labels": CHANNEL_LABELS,
        "may_cancel": record.status not in ("completed", "cancelled")
        and (session.is_admin or record.started_by == session.principal.key_id),
        "may_resend": session.is_admin and record.status in ("completed", "cancelled"),
        "nobody_to_resend": resend == "nobody",
    }
    return render(request, "campaign.html", session, context)


@router.get("/report.csv")
async def report(campaign_id: UUID, svc: Services, session: Signed) -> Response:
    lines = await campaigns.campaign_report(svc, session.principal, campaign_id)
    return StreamingResponse(
        lines,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="campaign-{campaign_id}.csv"'},
    )


@router.get("/cancel")
async def confirm_cancel(
    request: Request, campaign_id: UUID, svc: Services, session: Signed
) -> Response:
    record = await campaigns.campaign_of(svc, session.principal, campaign_id)
    return render(request, "cancel.html", session, {"record": record})


@router.post("/cancel")
async def cancel(campaign_id: UUID, svc: Services, session: Posting) -> Response:
    await campaigns.cancel_campaign(svc, session.principal, campaign_id)
    return RedirectResponse(f"/console/campaigns/{campaign_id}", status_code=303)


@router.post("/resend")
async def resend(campaign_id: UUID, svc: Services, session: Posting) -> Response:
    """A new campaign to the recipients it did not reach (the API's default choice),
    or back to this one saying there is nobody to resend to; asked again, the same."""
    made = await campaigns.resend_campaign(svc, session.principal, campaign_id, ResendRequest())
    if not made.campaigns:
        return RedirectResponse(f"/console/campaigns/{campaign_id}?resend=nobody", status_code=303)
    return RedirectResponse(f"/console/campaigns/{made.campaigns[0].id}", status_code=303)
