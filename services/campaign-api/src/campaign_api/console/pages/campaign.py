"""One campaign: its counters, failures by reason, parameters and results; its CSV
report; pause and resume, cancel (with a confirmation) and resend to those it did
not reach."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, StreamingResponse
from starlette.responses import Response

from ...api.deps import Services
from ...domain.model import CampaignRecord
from ...resends import ResendRequest
from ...usecases import campaigns, pauses
from ..deps import Posting, Signed
from ..labels import CHANNEL_LABELS, DELIVERY_LABELS, STATUS_LABELS
from ..parameters import audience_rows, content_rows
from ..progress import progress_of
from ..rendering import render
from ..sessions import ConsoleSession

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
        **may_pause_or_resume(record, session),
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


def may_pause_or_resume(record: CampaignRecord, session: ConsoleSession) -> dict[str, bool]:
    """Whether the Pause and Resume buttons show for this person."""
    may_change = session.is_admin or record.started_by == session.principal.key_id
    pausable = record.shown_status in ("scheduled", "running") and not record.cancel_requested_at
    return {
        "may_pause": may_change and pausable,
        "may_resume": may_change and record.shown_status == "paused",
    }


def _back(campaign_id: UUID, back: str) -> Response:
    """Where the form was: the campaigns list, or the campaign's page."""
    target = "/console/campaigns" if back == "list" else f"/console/campaigns/{campaign_id}"
    return RedirectResponse(target, status_code=303)


@router.post("/pause")
async def pause(
    campaign_id: UUID, svc: Services, session: Posting, back: Annotated[str, Form()] = ""
) -> Response:
    await pauses.pause_campaign(svc, session.principal, campaign_id)
    return _back(campaign_id, back)


@router.post("/resume")
async def resume(
    campaign_id: UUID, svc: Services, session: Posting, back: Annotated[str, Form()] = ""
) -> Response:
    await pauses.resume_campaign(svc, session.principal, campaign_id)
    return _back(campaign_id, back)


@router.post("/resend")
async def resend(campaign_id: UUID, svc: Services, session: Posting) -> Response:
    """A new campaign to the recipients it did not reach (the API's default choice),
    or back to this one saying there is nobody to resend to; asked again, the same."""
    made = await campaigns.resend_campaign(svc, session.principal, campaign_id, ResendRequest())
    if not made.campaigns:
        return RedirectResponse(f"/console/campaigns/{campaign_id}?resend=nobody", status_code=303)
    return RedirectResponse(f"/console/campaigns/{made.campaigns[0].id}", status_code=303)
