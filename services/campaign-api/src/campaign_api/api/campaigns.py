"""Campaigns: create (or dry-run), list with progress, show, deliveries, CSV report, cancel."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from contracts.base import ConnectionId, ExternalId
from fastapi import APIRouter, Header, Query, Response
from fastapi.responses import StreamingResponse

from ..resends import ResendRequest
from ..usecases import campaigns, pauses
from .deps import Admin, Member, Services
from .problems import MEMBER_CALL, problems
from .schemas import (
    CampaignCreated,
    CampaignDetail,
    CampaignIn,
    CampaignList,
    CancelOut,
    DeliveryOut,
    DeliveryPage,
    PauseChangeOut,
    ResendIn,
    ResendOut,
)
from .views import campaign_list, created, planned, resent, shown

router = APIRouter(prefix="/v1/campaigns", tags=["campaigns"], responses=MEMBER_CALL)

StatusFilter = Literal["pending", "waiting", "sent", "failed", "skipped", "cancelled", "unknown"]


@router.post(
    "",
    response_model=CampaignCreated,
    status_code=201,
    responses={
        200: {"model": CampaignCreated, "description": "A dry run, or a request accepted before"},
        **problems(409),
    },
)
async def create_campaign(
    body: CampaignIn,
    svc: Services,
    caller: Member,
    response: Response,
    idempotency_key: Annotated[str | None, Header(max_length=128)] = None,
    dry_run: Annotated[bool, Query(description="Validate and show what would happen")] = False,
) -> CampaignCreated:
    """Create a campaign (one per connection when `connection_id` is absent).

    The same `Idempotency-Key` (or `request_id`) twice makes one campaign."""
    request_id = idempotency_key or body.request_id
    if dry_run:
        response.status_code = 200
        return planned(await campaigns.dry_run(svc, caller, body, request_id))
    submission = await campaigns.create_campaign(svc, caller, body, request_id)
    if not submission.created:
        response.status_code = 200
    return created(submission)


@router.get("", response_model=CampaignList)
async def list_campaigns(
    svc: Services,
    caller: Member,
    status: Literal["scheduled", "running", "paused", "completed", "cancelled"] | None = None,
    connection_id: Annotated[
        ConnectionId | None, Query(description="Only the campaigns on this connection")
    ] = None,
    sending_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
    external_id: Annotated[
        ExternalId | None,
        Query(
            description="With connection_id: only the campaigns that include this person "
            "(one dialog's sendings)",
        ),
    ] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> CampaignList:
    """Campaigns, newest first, each with its progress; `sending_id` finds one by
    the tenant's number for it (`sid<n>`)."""
    page = await campaigns.list_campaigns(
        svc,
        caller,
        status=status,
        connection_id=connection_id,
        sending_id=sending_id,
        external_id=external_id,
        cursor=cursor,
        limit=limit,
    )
    return campaign_list(page)


@router.get("/{campaign_id}", response_model=CampaignDetail, responses=problems(404))
async def get_campaign(campaign_id: UUID, svc: Services, caller: Member) -> CampaignDetail:
    """One campaign: audience size, progress, failures grouped by reason, every parameter."""
    return shown(await campaigns.show_campaign(svc, caller, campaign_id))


@router.get("/{campaign_id}/deliveries", response_model=DeliveryPage, responses=problems(404))
async def list_deliveries(
    campaign_id: UUID,
    svc: Services,
    caller: Member,
    status: StatusFilter | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> DeliveryPage:
    """Every delivery (recipient x step), in recipient order, optionally of one status."""
    page = await campaigns.list_deliveries(
        svc, caller, campaign_id, status=status, cursor=cursor, limit=limit
    )
    items = [
        DeliveryOut(
            recipient_no=r.recipient_no,
            step_no=r.step_no,
            contact_id=r.contact_id,
            external_id=r.external_id,
            name=r.recipient_name,
            status=r.status,
            attempts=r.attempts,
            platform_message_id=r.platform_message_id,
            error_code=r.error_code,
            error_reason=r.error_reason,
            composition=r.composition,
            sent_at=r.sent_at,
            finished_at=r.finished_at,
            fallback_reason=r.fallback_reason,
            waiting_until=r.waiting_until,
            text=r.text,
        )
        for r in page.items
    ]
    return DeliveryPage(items=items, next_cursor=page.next_cursor)


@router.get(
    "/{campaign_id}/report.csv",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/csv": {}}, "description": "One row per delivery"},
        **problems(404),
    },
)
async def report(campaign_id: UUID, svc: Services, caller: Member) -> StreamingResponse:
    """One CSV row per delivery: recipient, channel, status, error, message id, sent time."""
    return StreamingResponse(
        await campaigns.campaign_report(svc, caller, campaign_id),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="campaign-{campaign_id}.csv"'},
    )


@router.post(
    "/{campaign_id}/cancel", response_model=CancelOut, status_code=202, responses=problems(404, 409)
)
async def cancel_campaign(campaign_id: UUID, svc: Services, caller: Member) -> CancelOut:
    """Stop the campaign: nothing more is sent; the rest is marked cancelled."""
    requested_at = await campaigns.cancel_campaign(svc, caller, campaign_id)
    return CancelOut(campaign_id=campaign_id, status="cancelling", cancel_requested_at=requested_at)


@router.post(
    "/{campaign_id}/pause",
    response_model=PauseChangeOut,
    status_code=202,
    responses=problems(403, 404, 409),
)
async def pause_campaign(campaign_id: UUID, svc: Services, caller: Member) -> PauseChangeOut:
    """Pause the campaign: nothing more goes to the platform within a second, and
    nothing is lost: resumed, it goes on where it stopped."""
    requested_at = await pauses.pause_campaign(svc, caller, campaign_id)
    return PauseChangeOut(campaign_id=campaign_id, status="pausing", requested_at=requested_at)


@router.post(
    "/{campaign_id}/resume",
    response_model=PauseChangeOut,
    status_code=202,
    responses=problems(403, 404, 409),
)
async def resume_campaign(campaign_id: UUID, svc: Services, caller: Member) -> PauseChangeOut:
    """Resume a paused campaign (paused by a person or by itself): it goes on where
    it stopped, nothing sent twice."""
    requested_at = await pauses.resume_campaign(svc, caller, campaign_id)
    return PauseChangeOut(campaign_id=campaign_id, status="resuming", requested_at=requested_at)


@router.post(
    "/{campaign_id}/resend",
    response_model=ResendOut,
    status_code=201,
    responses={
        200: {"model": ResendOut, "description": "Asked again: the same resend"},
        **problems(404, 409),
    },
)
async def resend_campaign(
    campaign_id: UUID,
    svc: Services,
    caller: Admin,
    response: Response,
    body: ResendIn | None = None,
) -> ResendOut:
    """A new campaign with the same content to the recipients this one did not reach
    because of a failure that may pass (`transient`) or whose outcome is `unknown`,
    plus the classes and codes `include` and `include_codes` name.  Only once the
    campaign completed or was cancelled; asked again, it answers the same resend."""
    asked = body or ResendIn()
    request = ResendRequest(
        include=frozenset(asked.include),
        include_codes=frozenset(asked.include_codes),
        name=asked.name,
        start_at=asked.start_at,
    )
    resend = await campaigns.resend_campaign(svc, caller, campaign_id, request)
    if not resend.created:
        response.status_code = 200
    return resent(resend)
