"""The campaign-api's handlers: campaign requests from other services, and the
facts the other services report about campaigns (recipients, outcomes, life)."""

from __future__ import annotations

import json
from uuid import UUID

from contracts.audience import AudienceSnapshottedV1, RecipientsResolvedV1
from contracts.campaigns import (
    CampaignCancelledV1,
    CampaignCompletedV1,
    CampaignPausedV1,
    CampaignRequestedV1,
    CampaignResumedV1,
    CampaignStartedV1,
)
from contracts.dispatch import DeliveriesReportedV1
from contracts.names import CAMPAIGNS_EXCHANGE as CAMPAIGNS
from contracts.names import INTERNAL_EXCHANGE as INTERNAL
from contracts.names import Queue, RoutingKey
from contracts.tenants import ConnectionStateV1
from pydantic import ValidationError
from service_kit.errors import field_errors, summarize
from service_kit.logs import get_logger
from service_kit.runtime import ServiceRuntime
from service_kit.subscribers import consumes

from . import webhooks
from .domain.model import Principal, Refusal
from .repo import Conn, Pool
from .repo import campaigns as campaigns_repo
from .repo import connection_states as connection_states_repo
from .repo import deliveries as deliveries_repo
from .submissions import Submissions
from .webhooks import WebhookEvent

CampaignEvent = CampaignStartedV1 | CampaignCompletedV1 | CampaignCancelledV1

log = get_logger(__name__)

REQUESTS = "requests"
"""The area of the campaign requests, whose invalid ones are answered (`AnswerInvalid`)."""


class Handlers:
    def __init__(
        self, runtime: ServiceRuntime, submissions: Submissions, *, keep_texts: bool = True
    ) -> None:
        """`keep_texts`: store the text each sent delivery's person got."""
        self._runtime = runtime
        self._submissions = submissions
        self._keep_texts = keep_texts
        self._steps: dict[UUID, int] = {}

    @property
    def _pool(self) -> Pool:
        return self._runtime.pool

    @consumes(Queue.API_CAMPAIGN_REQUESTED, CAMPAIGNS, RoutingKey.CAMPAIGN_REQUESTED, area=REQUESTS)
    async def on_campaign_requested(self, event: CampaignRequestedV1) -> None:
        """Accept or reject; the outcome goes out as campaign.accepted/rejected.v1."""
        caller = Principal(
            tenant_id=event.tenant_id, role="admin", key_id=f"event:{event.requested_by or '-'}"
        )
        try:
            submission = await self._submissions.submit(
                caller, event.tenant_id, event.request_id, event, announce_repeat=True
            )
        except Refusal as refusal:
            log.info(
                "campaign request rejected", request_id=event.request_id, reason=refusal.reason
            )
            await self._submissions.reject(event.request_id, event.tenant_id, refusal.reason)
            return
        log.info(
            "campaign request accepted",
            request_id=event.request_id,
            campaign_ids=[str(c.id) for c in submission.campaigns],
            repeated=not submission.created,
        )

    async def on_invalid_campaign_request(self, body: bytes, error: ValidationError) -> bool:
        """A request that names its request_id is answered with campaign.rejected.v1;
        one that cannot even say that goes to the dead-letter queue."""
        try:
            data = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return False
        request_id = data.get("request_id") if isinstance(data, dict) else None
        if not isinstance(request_id, str) or not request_id.strip() or len(request_id) > 128:
            return False
        tenant_id = data.get("tenant_id")
        reason = f"invalid campaign.requested.v1: {summarize(error)}"
        log.info("campaign request rejected", request_id=request_id, reason=reason)
        await self._submissions.reject(
            request_id,
            tenant_id if isinstance(tenant_id, str) else None,
            reason,
            field_errors(error),
        )
        return True

    async def _step_count(self, campaign_id: UUID) -> int | None:
        if campaign_id not in self._steps:
            found = await campaigns_repo.step_count(self._pool, campaign_id)
            if found is None:
                return None
            self._steps[campaign_id] = found
        return self._steps[campaign_id]

    @consumes(Queue.API_RECIPIENTS, INTERNAL, RoutingKey.RECIPIENTS_RESOLVED)
    async def on_recipients(self, event: RecipientsResolvedV1) -> None:
        steps = await self._step_count(event.campaign_id)
        if steps is None:
            log.warning("recipients of an unknown campaign ignored")
            return
        await deliveries_repo.add_recipients(self._pool, event.campaign_id, event.recipients, steps)

    @consumes(Queue.API_AUDIENCE_SNAPSHOTTED, INTERNAL, RoutingKey.AUDIENCE_SNAPSHOTTED)
    async def on_snapshotted(self, event: AudienceSnapshottedV1) -> None:
        await campaigns_repo.set_audience(
            self._pool,
            event.campaign_id,
            event.audience_size,
            event.unknown_count,
            event.unknown_external_ids,
        )

    @consumes(Queue.API_DELIVERIES, INTERNAL, RoutingKey.DELIVERY_REPORTED, prefetch=64)
    async def on_deliveries(self, event: DeliveriesReportedV1) -> None:
        """Outcomes of deliveries: recorded, and the progress steps they reach told
        to the tenant's webhooks that ask (in the same transaction)."""
        campaign_ids = list(dict.fromkeys(r.campaign_id for r in event.results))
        async with self._pool.acquire() as conn, conn.transaction():
            await deliveries_repo.record_results(conn, event.results, keep_texts=self._keep_texts)
            await webhooks.enqueue_progress(conn, campaign_ids)

    @consumes(Queue.API_CAMPAIGN_STARTED, CAMPAIGNS, RoutingKey.CAMPAIGN_STARTED)
    async def on_started(self, event: CampaignStartedV1) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            await campaigns_repo.mark_started(
                conn, event.campaign_id, event.started_at, event.audience_size
            )
            await self._tell(conn, WebhookEvent.STARTED, event)

    @consumes(Queue.API_CAMPAIGN_COMPLETED, CAMPAIGNS, RoutingKey.CAMPAIGN_COMPLETED)
    async def on_completed(self, event: CampaignCompletedV1) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            await campaigns_repo.mark_finished(
                conn, event.campaign_id, "completed", event.finished_at, event.audience_size
            )
            await self._tell(conn, WebhookEvent.COMPLETED, event)

    @consumes(Queue.API_CAMPAIGN_CANCELLED, CAMPAIGNS, RoutingKey.CAMPAIGN_CANCELLED)
    async def on_cancelled(self, event: CampaignCancelledV1) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            await campaigns_repo.mark_finished(
                conn, event.campaign_id, "cancelled", event.finished_at, event.audience_size
            )
            await self._tell(conn, WebhookEvent.CANCELLED, event)

    @staticmethod
    async def _tell(conn: Conn, event_type: WebhookEvent, event: CampaignEvent) -> None:
        """The tenant's webhooks told of the event, once per campaign (a
        redelivered event makes no second delivery)."""
        await webhooks.enqueue(
            conn,
            event.tenant_id,
            event_type,
            event.campaign_id,
            event,
            key=webhooks.once_per_campaign(event_type, event.campaign_id),
        )

    @consumes(Queue.API_CAMPAIGN_PAUSED, CAMPAIGNS, RoutingKey.CAMPAIGN_PAUSED)
    async def on_paused(self, event: CampaignPausedV1) -> None:
        """The campaign was paused: shown with its reason until it is resumed."""
        pause = event.model_dump(
            mode="json",
            include={"reason", "requested_by", "failure_rate", "platform_code", "detail"},
        )
        async with self._pool.acquire() as conn, conn.transaction():
            await campaigns_repo.mark_paused(conn, event.campaign_id, event.paused_at, pause)
            key = f"campaign.paused:{event.campaign_id}:{event.paused_at.isoformat()}"
            await webhooks.enqueue(
                conn, event.tenant_id, WebhookEvent.PAUSED, event.campaign_id, event, key=key
            )

    @consumes(Queue.API_CAMPAIGN_RESUMED, CAMPAIGNS, RoutingKey.CAMPAIGN_RESUMED)
    async def on_resumed(self, event: CampaignResumedV1) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            await campaigns_repo.mark_resumed(conn, event.campaign_id, event.resumed_at)
            key = f"campaign.resumed:{event.campaign_id}:{event.resumed_at.isoformat()}"
            await webhooks.enqueue(
                conn, event.tenant_id, WebhookEvent.RESUMED, event.campaign_id, event, key=key
            )

    @consumes(Queue.API_CONNECTION_STATES, INTERNAL, RoutingKey.CONNECTION_STATE)
    async def on_connection_state(self, event: ConnectionStateV1) -> None:
        """A dispatcher paused a connection or lifted its pause: the console shows it."""
        await connection_states_repo.record_state(self._pool, event)
