"""Campaigns: create (or dry-run), list, show, deliveries, report, cancel, resend."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar
from uuid import UUID

from contracts.base import utc_now
from contracts.campaigns import CampaignSpec
from contracts.content import AiContent
from contracts.names import INTERNAL_EXCHANGE, RoutingKey
from contracts.scheduling import CampaignCancelRequestedV1
from service_kit.outbox import OutgoingMessage, add_to_outbox

from .. import reports
from ..domain.model import (
    FINISHED,
    CampaignRecord,
    FailureReason,
    PlannedCampaign,
    Principal,
    Refusal,
    Sample,
    Waiting,
)
from ..domain.planning import check_may_change
from ..domain.preflight import Preflight
from ..repo import accounts as accounts_repo
from ..repo import campaigns as campaigns_repo
from ..repo import deliveries as deliveries_repo
from ..repo.accounts import ConnectionDetails
from ..repo.campaigns import CompositionCount
from ..repo.deliveries import DeliveryRow
from ..resends import Resend, ResendRequest
from ..samples import Samples, sample_texts
from ..submissions import Submission
from . import preflight
from .access import member_tenant
from .cursors import campaign_cursor, delivery_cursor, read_campaign_cursor, read_delivery_cursor
from .services import AppServices

Item = TypeVar("Item")
REPORT_PAGE = 5000


@dataclass(frozen=True)
class Page(Generic[Item]):
    items: list[Item]
    next_cursor: str | None
    """Where the next page starts; None on the last page."""


@dataclass(frozen=True)
class DryRun:
    """What a request would make, and the caller's connections (their limits).

    For AI content, `samples`: texts written for the first few recipients of the
    audience (in its order) as the campaign would write them, never sent; when
    there are none, or fewer than the recipients asked for, `samples_note` says why
    (the composer did not answer in time, nobody is reached, ...)."""

    request_id: str
    planned: list[PlannedCampaign]
    connections: dict[str, ConnectionDetails]
    samples: list[Sample] = field(default_factory=list)
    samples_note: str | None = None
    preflight: dict[str, Preflight] = field(default_factory=dict)
    """By connection: what each rule keeps out, how long it takes, warnings."""


@dataclass(frozen=True)
class CampaignShown:
    """One campaign with what its deliveries came to."""

    record: CampaignRecord
    reasons: list[FailureReason]
    compositions: list[CompositionCount]
    waiting: Waiting


async def create_campaign(
    svc: AppServices, caller: Principal, spec: CampaignSpec, request_id: str | None = None
) -> Submission:
    """Accept a campaign request (one campaign per connection when it names none).
    The same `request_id` twice makes one campaign; without one, it is a new request."""
    tenant_id = member_tenant(caller)
    request_id = request_id or str(uuid.uuid4())
    return await svc.submissions.submit(caller, tenant_id, request_id, spec)


async def dry_run(
    svc: AppServices, caller: Principal, spec: CampaignSpec, request_id: str | None = None
) -> DryRun:
    """What `create_campaign` would make, checked as it would be, without making it;
    for AI content, with sample texts for a few real recipients (`DryRun.samples`),
    waited for at most `sample_timeout_seconds`."""
    tenant_id = member_tenant(caller)
    request_id = request_id or str(uuid.uuid4())
    ai = spec.content if isinstance(spec.content, AiContent) else None
    sample_size = svc.settings.dry_run_samples if ai is not None else 0
    preview = await svc.submissions.preview(caller, tenant_id, spec, sample_size=sample_size)
    connections = await accounts_repo.list_connections(svc.pool, tenant_id)
    found = Samples()
    if ai is not None and sample_size > 0:
        found = await sample_texts(
            svc.runtime.broker,
            tenant_id=tenant_id,
            content=ai,
            planned=preview.planned,
            contacts=preview.sample,
            wait_seconds=svc.settings.sample_timeout_seconds,
        )
    return DryRun(
        request_id,
        preview.planned,
        {d.connection.id: d for d in connections},
        found.samples,
        found.note,
        preflight.with_samples(preview.preflight, found.samples),
    )


async def list_campaigns(
    svc: AppServices,
    caller: Principal,
    *,
    status: str | None = None,
    connection_id: str | None = None,
    sending_id: int | None = None,
    external_id: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[CampaignRecord]:
    """Campaigns, newest first; `sending_id` finds one by the tenant's number for
    it (`sid<n>`), `external_id` (with `connection_id`) one dialog's."""
    if external_id is not None and "\x00" in external_id:
        raise Refusal("external_id contains a NUL character: remove it", "bad_filter")
    if external_id is not None and connection_id is None:
        raise Refusal(
            "external_id names a person on one connection: give connection_id with it",
            "bad_filter",
        )
    records = await campaigns_repo.list_campaigns(
        svc.pool,
        member_tenant(caller),
        status=status,
        connection_id=connection_id,
        before=read_campaign_cursor(cursor),
        limit=limit,
        sending_id=sending_id,
        external_id=external_id,
    )
    last = records[-1] if len(records) == limit else None
    return Page(records, campaign_cursor(last.created_at, last.id) if last else None)


async def campaign_of(svc: AppServices, caller: Principal, campaign_id: UUID) -> CampaignRecord:
    """The caller's tenant's campaign, or a refusal naming it unknown."""
    record = await campaigns_repo.get_campaign(svc.pool, member_tenant(caller), campaign_id)
    if record is None:
        raise Refusal(f"unknown campaign {campaign_id}", "not_found", status=404)
    return record


async def show_campaign(svc: AppServices, caller: Principal, campaign_id: UUID) -> CampaignShown:
    """One campaign with its failures by reason, how its texts were written, and
    what waits for a daily allowance."""
    record = await campaign_of(svc, caller, campaign_id)
    return CampaignShown(
        record,
        await campaigns_repo.failure_reasons(svc.pool, campaign_id),
        await campaigns_repo.compositions(svc.pool, campaign_id),
        await campaigns_repo.waiting(svc.pool, campaign_id),
    )


async def list_deliveries(
    svc: AppServices,
    caller: Principal,
    campaign_id: UUID,
    *,
    status: str | None = None,
    cursor: str | None = None,
    limit: int = 100,
) -> Page[DeliveryRow]:
    """Every delivery (recipient x step), in recipient order, optionally of one status."""
    await campaign_of(svc, caller, campaign_id)
    rows = await deliveries_repo.deliveries_page(
        svc.pool, campaign_id, status=status, after=read_delivery_cursor(cursor), limit=limit
    )
    last = rows[-1] if len(rows) == limit else None
    return Page(rows, delivery_cursor(last.recipient_no, last.step_no) if last else None)


async def campaign_report(
    svc: AppServices, caller: Principal, campaign_id: UUID
) -> AsyncIterator[str]:
    """The campaign's CSV report, one row per delivery, read page by page as it is
    consumed; refused before the first line for a campaign the caller cannot see."""
    record = await campaign_of(svc, caller, campaign_id)

    async def lines() -> AsyncIterator[str]:
        yield reports.header()
        after = (0, 0)
        while page := await deliveries_repo.deliveries_page(
            svc.pool, campaign_id, status=None, after=after, limit=REPORT_PAGE
        ):
            yield reports.rows(record.channel, page)
            after = (page[-1].recipient_no, page[-1].step_no)

    return lines()


async def cancel_campaign(svc: AppServices, caller: Principal, campaign_id: UUID) -> datetime:
    """Ask the scheduler to stop the campaign: nothing more is sent, the rest is
    marked cancelled.  Answers when the cancel was requested."""
    record = await campaign_of(svc, caller, campaign_id)
    check_may_change(caller, record)
    if record.status in FINISHED:
        raise Refusal(
            f"campaign {campaign_id} is already {record.status}; there is nothing to cancel",
            "already_finished",
            status=409,
        )
    async with svc.pool.acquire() as conn, conn.transaction():
        requested_at = await campaigns_repo.request_cancel(conn, record.tenant_id, campaign_id)
        if requested_at is None:
            raise Refusal(
                f"campaign {campaign_id} finished meanwhile; there is nothing to cancel",
                "already_finished",
                status=409,
            )
        command = CampaignCancelRequestedV1(
            campaign_id=campaign_id,
            tenant_id=record.tenant_id,
            requested_at=utc_now(),
            requested_by=f"key {caller.key_id}",
        )
        await add_to_outbox(
            conn, [OutgoingMessage(INTERNAL_EXCHANGE, RoutingKey.CAMPAIGN_CANCEL, command)]
        )
    svc.runtime.outbox.notify()
    return requested_at


async def resend_campaign(
    svc: AppServices, caller: Principal, campaign_id: UUID, request: ResendRequest
) -> Resend:
    """A new campaign to the recipients this finished one did not reach, as
    `request` picks them (a tenant admin's call)."""
    return await svc.resends.resend_campaign(caller, campaign_id, request)
