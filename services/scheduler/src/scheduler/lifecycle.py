"""The events that mark a campaign's life, and the checks that emit them."""

from __future__ import annotations

from datetime import datetime

from contracts.base import utc_now
from contracts.campaigns import CampaignCancelledV1, CampaignCompletedV1, CampaignStartedV1
from contracts.names import CAMPAIGNS_EXCHANGE, RoutingKey
from service_kit.logs import get_logger
from service_kit.outbox import OutgoingMessage

from .domain.model import CampaignRun
from .domain.outcomes import cancel_settled, cancelled_results, final_counters, is_complete
from .repo import Conn
from .repo import campaigns as campaigns_repo
from .repo import recipients as recipients_repo
from .reports import report_messages

log = get_logger(__name__)


def report_path(run: CampaignRun) -> str:
    return f"/v1/campaigns/{run.id}/report.csv"


def started_event(run: CampaignRun, started_at: datetime) -> OutgoingMessage:
    return OutgoingMessage(
        CAMPAIGNS_EXCHANGE,
        RoutingKey.CAMPAIGN_STARTED,
        CampaignStartedV1(
            campaign_id=run.id,
            tenant_id=run.tenant_id,
            connection_id=run.connection_id,
            name=run.name,
            audience_size=run.audience_size or 0,
            started_at=started_at,
        ),
        message_id=f"started-{run.id}",
    )


async def finish_if_due(conn: Conn, run: CampaignRun) -> list[OutgoingMessage]:
    """Complete a campaign whose every delivery ended, or close a cancelled one
    whose in-flight deliveries all reported; returns the final event to publish."""
    if is_complete(run):
        status = "completed"
    elif cancel_settled(run):
        status = "cancelled"
    else:
        return []
    counters = final_counters(run)
    finished_at = await campaigns_repo.mark_finished(conn, run.id, status, counters.cancelled)
    log.info(f"campaign {status}", campaign_id=str(run.id), **counters.model_dump())
    fields = {
        **counters.model_dump(),
        "campaign_id": run.id,
        "tenant_id": run.tenant_id,
        "connection_id": run.connection_id,
        "name": run.name,
        "finished_at": finished_at,
        "report_path": report_path(run),
    }
    if status == "completed":
        message: OutgoingMessage = OutgoingMessage(
            CAMPAIGNS_EXCHANGE,
            RoutingKey.CAMPAIGN_COMPLETED,
            CampaignCompletedV1.model_validate(fields),
            message_id=f"completed-{run.id}",
        )
    else:
        message = OutgoingMessage(
            CAMPAIGNS_EXCHANGE,
            RoutingKey.CAMPAIGN_CANCELLED,
            CampaignCancelledV1.model_validate(fields),
            message_id=f"cancelled-{run.id}",
        )
    return [message]


async def cancel(conn: Conn, run: CampaignRun, requested_at: datetime) -> list[OutgoingMessage]:
    """Record the cancel of a campaign not finished yet (locked by the caller): nothing
    is released after this commits, every delivery not yet released is reported
    cancelled, and the campaign ends once what is in flight has reported."""
    await campaigns_repo.mark_cancelled(conn, run.id, requested_at)
    closed = await recipients_repo.close_waiting(conn, run.id)
    events = report_messages(run, cancelled_results(run.id, closed, run.step_count, utc_now()))
    updated = await campaigns_repo.lock(conn, run.id)
    assert updated is not None
    log.info(
        "campaign cancelled",
        campaign_id=str(run.id),
        not_released=len(closed),
        in_flight=updated.outstanding,
    )
    return events + await finish_if_due(conn, updated)
