"""Campaigns: create (or dry-run), list with progress, show, deliveries, CSV report, cancel."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Literal
from uuid import UUID

from contracts.base import ConnectionId, ExternalId, utc_now
from contracts.names import INTERNAL_EXCHANGE, RoutingKey
from contracts.scheduling import CampaignCancelRequestedV1
from fastapi import APIRouter, Header, HTTPException, Query, Response
from fastapi.responses import StreamingResponse
from service_kit.outbox import OutgoingMessage, add_to_outbox

from .. import reports
from ..domain.model import FINISHED, CampaignRecord, Refusal
from ..domain.planning import check_may_change
from ..repo import accounts as accounts_repo
from ..repo import campaigns as campaigns_repo
from ..repo import deliveries as deliveries_repo
from ..resends import ResendRequest
from .cursors import campaign_cursor, delivery_cursor, read_campaign_cursor, read_delivery_cursor
from .deps import Admin, Member, Services, tenant_of
from .problems import MEMBER_CALL, problems
from .schemas import (
    CampaignCreated,
    CampaignDetail,
    CampaignIn,
    CampaignList,
    CancelOut,
    DeliveryOut,
    DeliveryPage,
    PlannedOut,
    ResendIn,
    ResendOut,
)
from .views import detail, sending_days, summary

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
    tenant_id = tenant_of(caller)
    request_id = idempotency_key or body.request_id or str(uuid.uuid4())
    spec = body.model_copy(update={"request_id": None})
    if dry_run:
        planned = await svc.submissions.plan(caller, tenant_id, spec)
        connections = {
            d.connection.id: d for d in await accounts_repo.list_connections(svc.pool, tenant_id)
        }
        response.status_code = 200
        return CampaignCreated(
            request_id=request_id,
            dry_run=True,
            created=False,
            campaign_id=None,
            campaign_ids=[],
            campaigns=[],
            planned=[
                PlannedOut(
                    connection_id=p.connection_id,
                    channel=p.channel,
                    name=p.name,
                    start_at=p.start_at,
                    interval_seconds=p.interval_seconds,
                    steps=[s.model_dump(mode="json") for s in p.steps],
                    counts_toward_quota=p.counts_toward_quota,
                    estimated_audience=p.estimated_audience,
                    sending_days=(
                        sending_days(connections[p.connection_id], p.estimated_audience, p.start_at)
                        if p.estimated_audience is not None and p.connection_id in connections
                        else None
                    ),
                )
                for p in planned
            ],
        )
    submission = await svc.submissions.submit(caller, tenant_id, request_id, spec)
    if not submission.created:
        response.status_code = 200
    ids = [c.id for c in submission.campaigns]
    return CampaignCreated(
        request_id=submission.request_id,
        dry_run=False,
        created=submission.created,
        campaign_id=ids[0] if ids else None,
        campaign_ids=ids,
        campaigns=[detail(c, []) for c in submission.campaigns],
        planned=[],
    )


@router.get("", response_model=CampaignList)
async def list_campaigns(
    svc: Services,
    caller: Member,
    status: Literal["scheduled", "running", "completed", "cancelled"] | None = None,
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
    if external_id is not None and "\x00" in external_id:
        raise Refusal("external_id contains a NUL character: remove it", "bad_filter")
    if external_id is not None and connection_id is None:
        raise Refusal(
            "external_id names a person on one connection: give connection_id with it",
            "bad_filter",
        )
    records = await campaigns_repo.list_campaigns(
        svc.pool,
        tenant_of(caller),
        status=status,
        connection_id=connection_id,
        before=read_campaign_cursor(cursor),
        limit=limit,
        sending_id=sending_id,
        external_id=external_id,
    )
    next_cursor = (
        campaign_cursor(records[-1].created_at, records[-1].id) if len(records) == limit else None
    )
    return CampaignList(items=[summary(r) for r in records], next_cursor=next_cursor)


async def _campaign(svc: Services, caller: Member, campaign_id: UUID) -> CampaignRecord:
    record = await campaigns_repo.get_campaign(svc.pool, tenant_of(caller), campaign_id)
    if record is None:
        raise HTTPException(404, f"unknown campaign {campaign_id}")
    return record


@router.get("/{campaign_id}", response_model=CampaignDetail, responses=problems(404))
async def get_campaign(campaign_id: UUID, svc: Services, caller: Member) -> CampaignDetail:
    """One campaign: audience size, progress, failures grouped by reason, every parameter."""
    record = await _campaign(svc, caller, campaign_id)
    reasons = await campaigns_repo.failure_reasons(svc.pool, campaign_id)
    compositions = await campaigns_repo.compositions(svc.pool, campaign_id)
    waiting = await campaigns_repo.waiting(svc.pool, campaign_id)
    return detail(record, reasons, compositions, waiting)


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
    await _campaign(svc, caller, campaign_id)
    rows = await deliveries_repo.deliveries_page(
        svc.pool, campaign_id, status=status, after=read_delivery_cursor(cursor), limit=limit
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
        )
        for r in rows
    ]
    next_cursor = (
        delivery_cursor(rows[-1].recipient_no, rows[-1].step_no) if len(rows) == limit else None
    )
    return DeliveryPage(items=items, next_cursor=next_cursor)


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
    record = await _campaign(svc, caller, campaign_id)

    async def lines() -> AsyncIterator[str]:
        yield reports.header()
        after = (0, 0)
        while True:
            page = await deliveries_repo.deliveries_page(
                svc.pool, campaign_id, status=None, after=after, limit=5000
            )
            if not page:
                return
            yield reports.rows(record.channel, page)
            after = (page[-1].recipient_no, page[-1].step_no)

    return StreamingResponse(
        lines(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="campaign-{campaign_id}.csv"'},
    )


@router.post(
    "/{campaign_id}/cancel", response_model=CancelOut, status_code=202, responses=problems(404, 409)
)
async def cancel_campaign(campaign_id: UUID, svc: Services, caller: Member) -> CancelOut:
    """Stop the campaign: nothing more is sent; the rest is marked cancelled."""
    record = await _campaign(svc, caller, campaign_id)
    check_may_change(caller, record)
    if record.status in FINISHED:
        raise Refusal(
            f"campaign {campaign_id} is already {record.status}; there is nothing to cancel",
            "already_finished",
            status=409,
        )
    tenant_id = tenant_of(caller)
    async with svc.pool.acquire() as conn, conn.transaction():
        requested_at = await campaigns_repo.request_cancel(conn, tenant_id, campaign_id)
        if requested_at is None:
            raise Refusal(
                f"campaign {campaign_id} finished meanwhile; there is nothing to cancel",
                "already_finished",
                status=409,
            )
        command = CampaignCancelRequestedV1(
            campaign_id=campaign_id,
            tenant_id=tenant_id,
            requested_at=utc_now(),
            requested_by=f"key {caller.key_id}",
        )
        await add_to_outbox(
            conn, [OutgoingMessage(INTERNAL_EXCHANGE, RoutingKey.CAMPAIGN_CANCEL, command)]
        )
    svc.runtime.outbox.notify()
    return CancelOut(campaign_id=campaign_id, status="cancelling", cancel_requested_at=requested_at)


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
    resend = await svc.resends.resend_campaign(caller, campaign_id, request)
    if not resend.created:
        response.status_code = 200
    ids = [c.id for c in resend.campaigns]
    return ResendOut(
        resend_of=campaign_id,
        request_id=resend.request_id,
        created=resend.created,
        recipients=resend.recipients,
        picked=dict(sorted(resend.selection.picked_by_class.items())),
        left_out=dict(sorted(resend.selection.left_by_class.items())),
        campaign_id=ids[0] if ids else None,
        campaign_ids=ids,
        campaigns=[detail(c, []) for c in resend.campaigns],
        note=resend.note,
    )
