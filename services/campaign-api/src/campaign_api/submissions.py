"""Submitting a campaign request, from HTTP or from `campaign.requested.v1`.

Idempotent on (tenant, request_id): a request already accepted answers with the
campaigns it made; the same id with a different body is refused.  A refusal is
not remembered, so a request refused for the subscription end is accepted once
the subscription is extended.  Accepted campaigns and their events are committed
in one transaction (the outbox), so a crash never loses one half.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

from contracts.audience import AudienceEstimateV1, SampleContact
from contracts.base import utc_now
from contracts.campaigns import CampaignRejectedV1, CampaignSpec, FieldError
from contracts.content import TemplateContent
from contracts.names import CAMPAIGNS_EXCHANGE, RoutingKey
from service_kit.logs import get_logger
from service_kit.outbox import OutboxRelay, OutgoingMessage, add_to_outbox
from service_kit.runtime import ServiceRuntime

from . import webhooks
from .acceptance import Accepted, accepted_event, store_accepted
from .domain.model import CampaignRecord, PlannedCampaign, Principal, Refusal
from .domain.pausing import effective_auto_pause
from .domain.planning import aim_test_send, check_monthly_limit, month_bounds, plan_campaigns
from .domain.preflight import Preflight, window_start
from .estimates import estimate
from .repo import Pool
from .repo import accounts as accounts_repo
from .repo import campaigns as campaigns_repo
from .repo import settings as settings_repo
from .repo import templates as templates_repo
from .usecases.preflight import preflight_of
from .webhooks import WebhookEvent

log = get_logger(__name__)


@dataclass(frozen=True)
class Submission:
    """The answer to a request: the campaigns it made (or would make, for a dry run)."""

    request_id: str
    created: bool
    campaigns: list[CampaignRecord]
    planned: list[PlannedCampaign]
    preflight: dict[str, Preflight] = field(default_factory=dict)
    """By connection, what the pre-flight said when the request was accepted."""


def fingerprint(spec: CampaignSpec) -> str:
    # a request without quiet hours prints as it did before they existed
    unset = set() if "quiet_hours" in spec.model_fields_set else {"quiet_hours"}
    body = spec.model_dump_json(exclude={"request_id", "tenant_id", *unset})
    return hashlib.sha256(body.encode()).hexdigest()


def rejected_event(
    request_id: str, tenant_id: str | None, reason: str, errors: list[FieldError] | None = None
) -> OutgoingMessage:
    return OutgoingMessage(
        CAMPAIGNS_EXCHANGE,
        RoutingKey.CAMPAIGN_REJECTED,
        CampaignRejectedV1(
            request_id=request_id, tenant_id=tenant_id, reason=reason, errors=errors or []
        ),
    )


def aimed(spec: CampaignSpec, principal: Principal) -> CampaignSpec:
    """The request with a test send aimed at the requester's own dialog."""
    audience, connection_id = aim_test_send(spec.audience, spec.connection_id, principal)
    if audience is spec.audience:
        return spec
    return spec.model_copy(update={"audience": audience, "connection_id": connection_id})


@dataclass(frozen=True)
class Preview:
    """What a request would make, and the contacts its audience sample names:
    None when the audience-resolver did not answer."""

    planned: list[PlannedCampaign]
    sample: list[SampleContact] | None = None
    found: AudienceEstimateV1 | None = None
    """The audience-resolver's answer, with the pre-flight's groups (None: no answer)."""
    preflight: dict[str, Preflight] = field(default_factory=dict)
    """By connection: what each rule keeps out, how long it takes, warnings."""


class Submissions:
    def __init__(
        self,
        runtime: ServiceRuntime,
        *,
        estimate_seconds: float,
    ) -> None:
        self._runtime = runtime
        self._estimate_seconds = estimate_seconds

    @property
    def _pool(self) -> Pool:
        return self._runtime.pool

    @property
    def _outbox(self) -> OutboxRelay:
        return self._runtime.outbox

    async def plan(
        self, principal: Principal, tenant_id: str, spec: CampaignSpec
    ) -> list[PlannedCampaign]:
        """What the request would make, or a Refusal."""
        return (await self.preview(principal, tenant_id, spec)).planned

    async def preview(
        self, principal: Principal, tenant_id: str, spec: CampaignSpec, *, sample_size: int = 0
    ) -> Preview:
        """What the request would make, with the first `sample_size` contacts its
        audience reaches; or a Refusal."""
        spec = aimed(spec, principal)
        tenant = await accounts_repo.get_tenant(self._pool, tenant_id)
        if tenant is None:
            raise Refusal(
                f"unknown tenant {tenant_id!r}: the platform creates it with "
                f"PUT /v1/tenants/{tenant_id}",
                "unknown_tenant",
            )
        details = await accounts_repo.list_connections(self._pool, tenant_id)
        connections = [c.connection for c in details]
        settings = await settings_repo.get_settings(self._pool, tenant_id)
        template = None
        if isinstance(spec.content, TemplateContent):
            template = await templates_repo.get_template(
                self._pool, tenant_id, spec.content.template
            )
        planned = plan_campaigns(
            spec,
            principal=principal,
            tenant=tenant,
            connections=connections,
            template=template,
            now=utc_now(),
            settings=settings,
        )
        threshold = effective_auto_pause(spec.auto_pause, settings.auto_pause)
        planned = [replace(plan, auto_pause=threshold) for plan in planned]
        planned, found = await self._with_estimates(tenant_id, spec, planned, sample_size)
        committed = await campaigns_repo.month_commitment(
            self._pool, tenant_id, *month_bounds(planned[0].start_at)
        )
        check_monthly_limit(tenant, planned, committed)
        checks = preflight_of(found, planned, details, settings)
        return Preview(planned, found.sample if found else None, found, checks)

    async def _with_estimates(
        self, tenant_id: str, spec: CampaignSpec, planned: list[PlannedCampaign], sample_size: int
    ) -> tuple[list[PlannedCampaign], AudienceEstimateV1 | None]:
        """Each campaign's audience as it is now, and the answer (its sample, the
        pre-flight's groups).  Without an answer from the audience-resolver (None)
        the limit is still enforced while sending."""
        single = planned[0].connection_id if len(planned) == 1 else None
        try:
            found = await estimate(
                self._runtime.broker,
                tenant_id=tenant_id,
                connection_id=single,
                audience=spec.audience,
                wait_seconds=self._estimate_seconds,
                sample_size=sample_size,
                window_since=window_start(planned[0].start_at),
            )
        except Refusal as refusal:
            log.warning(
                "no audience estimate; the monthly limit is checked while sending",
                reason=refusal.reason,
            )
            return planned, None
        if found.error is not None:  # e.g. an uploaded list that does not exist
            raise Refusal(found.error, "unknown_audience")
        sizes = found.by_connection or ({single: found.audience_size} if single else {})
        estimated = [replace(p, estimated_audience=sizes.get(p.connection_id, 0)) for p in planned]
        return estimated, found

    async def submit(
        self,
        principal: Principal,
        tenant_id: str,
        request_id: str,
        spec: CampaignSpec,
        *,
        announce_repeat: bool = False,
    ) -> Submission:
        """Accept (or find the earlier acceptance of) a request; raises Refusal.

        `announce_repeat` publishes `campaign.accepted.v1` again for a repeated
        request (the event path: the requester may have missed the first one)."""
        spec = aimed(spec, principal)
        spec_print = fingerprint(spec)
        earlier = await self._earlier(tenant_id, request_id, spec_print, announce_repeat)
        if earlier is not None:
            return earlier
        preview = await self.preview(principal, tenant_id, spec)
        planned = preview.planned
        campaigns = await store_accepted(
            self._runtime,
            Accepted(
                request_id=request_id,
                fingerprint=spec_print,
                started_by=principal.key_id,
                content=spec.content.model_dump(mode="json"),
                planned=planned,
                audiences=[spec.audience] * len(planned),
                requested_by=spec.requested_by,
            ),
        )
        if campaigns is None:  # the same request raced us and won
            earlier = await self._earlier(tenant_id, request_id, spec_print, announce_repeat)
            assert earlier is not None
            return earlier
        return Submission(
            request_id=request_id,
            created=True,
            campaigns=campaigns,
            planned=planned,
            preflight=preview.preflight,
        )

    async def _earlier(
        self, tenant_id: str, request_id: str, spec_print: str, announce: bool
    ) -> Submission | None:
        found = await campaigns_repo.accepted_request(self._pool, tenant_id, request_id)
        if found is None:
            return None
        stored_print, ids = found
        if stored_print != spec_print:
            raise Refusal(
                f"request id {request_id!r} was already used for a different campaign: "
                "use a new Idempotency-Key (or request_id) for a new campaign",
                "request_id_reused",
                status=409,
            )
        campaigns = await campaigns_repo.get_campaigns(self._pool, tenant_id, ids)
        if announce and campaigns:
            async with self._pool.acquire() as conn:
                await add_to_outbox(
                    conn, [accepted_event(request_id, tenant_id, ids, campaigns[0].start_at)]
                )
            self._outbox.notify()
        return Submission(request_id=request_id, created=False, campaigns=campaigns, planned=[])

    async def reject(
        self,
        request_id: str,
        tenant_id: str | None,
        reason: str,
        errors: list[FieldError] | None = None,
    ) -> None:
        """Publish `campaign.rejected.v1` (event path only), and tell the tenant's
        webhooks in the same transaction (once per request and reason: a redelivered
        request refused again the same way is not told twice)."""
        rejected = rejected_event(request_id, tenant_id, reason, errors)
        async with self._pool.acquire() as conn, conn.transaction():
            await add_to_outbox(conn, [rejected])
            if tenant_id is not None:
                reason_print = hashlib.sha256(reason.encode()).hexdigest()[:16]
                await webhooks.enqueue(
                    conn,
                    tenant_id,
                    WebhookEvent.REJECTED,
                    None,
                    rejected.message,
                    key=f"{WebhookEvent.REJECTED.value}:{request_id}:{reason_print}",
                )
        self._outbox.notify()
