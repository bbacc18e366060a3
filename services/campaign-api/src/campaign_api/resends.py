"""Resending a finished campaign to the recipients it did not reach
(`POST /v1/campaigns/{id}/resend`; later also the console and `/send`).

The resend of a campaign is one request, `resend:<campaign id>`: asked again with
the same options it answers the campaigns it made, with other options it is
refused, so nobody gets a resent message twice.  The new campaigns (one per step
a picked recipient's chain stopped at: a single-step campaign makes one) go to
exactly the picked dialogs (`contacts` audience) on the same connection, with the
original's content, and are stored with their events in one transaction.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass
from uuid import UUID

from contracts.audience import MAX_LISTED, ContactsAudience
from contracts.base import utc_now
from contracts.scheduling import CampaignStep
from service_kit.runtime import ServiceRuntime

from .acceptance import Accepted, store_accepted
from .domain.model import CampaignRecord, PlannedCampaign, Principal, Refusal, Tenant
from .domain.pausing import effective_auto_pause
from .domain.planning import (
    check_monthly_limit,
    check_subscription,
    first_step_at,
    month_bounds,
    resolve_start,
)
from .domain.resend import (
    FailureClass,
    ResendChoice,
    Selection,
    check_resendable,
    nothing_to_resend,
    resend_name,
    select,
    steps_from,
)
from .domain.settings import TenantSettings
from .repo import Pool
from .repo import accounts as accounts_repo
from .repo import campaigns as campaigns_repo
from .repo import resends as resends_repo
from .repo import settings as settings_repo


@dataclass(frozen=True)
class ResendRequest:
    """What a tenant asks of a resend; every part optional."""

    include: frozenset[FailureClass] = frozenset()
    include_codes: frozenset[str] = frozenset()
    name: str | None = None
    start_at: str | None = None

    @property
    def choice(self) -> ResendChoice:
        return ResendChoice(include=self.include, include_codes=self.include_codes)

    def fingerprint(self) -> str:
        body = json.dumps(
            {
                "include": sorted(self.include),
                "include_codes": sorted(self.include_codes),
                "name": self.name,
                "start_at": self.start_at,
            }
        )
        return hashlib.sha256(body.encode()).hexdigest()


@dataclass(frozen=True)
class Resend:
    """The answer: the campaigns made (or made before: `created` False), how many
    recipients they have, and which failures were picked and left out."""

    original: CampaignRecord
    created: bool
    request_id: str
    campaigns: list[CampaignRecord]
    recipients: int
    selection: Selection
    note: str | None = None


def request_id_of(campaign_id: UUID) -> str:
    return f"resend:{campaign_id}"


class Resends:
    def __init__(self, runtime: ServiceRuntime) -> None:
        self._runtime = runtime

    @property
    def _pool(self) -> Pool:
        return self._runtime.pool

    async def resend_campaign(
        self, principal: Principal, campaign_id: UUID, request: ResendRequest
    ) -> Resend:
        """Resend campaign `campaign_id` to the recipients `request` picks; raises Refusal."""
        tenant_id = _admin_tenant(principal)
        record = await campaigns_repo.get_campaign(self._pool, tenant_id, campaign_id)
        if record is None:
            raise Refusal(f"unknown campaign {campaign_id}", "unknown_campaign", status=404)
        check_resendable(record)
        selection = select(
            await resends_repo.failure_groups(self._pool, campaign_id), request.choice
        )
        earlier = await self._earlier(record, request, selection)
        if earlier is not None:
            return earlier
        if not selection.picked:
            return Resend(
                original=record,
                created=False,
                request_id=request_id_of(campaign_id),
                campaigns=[],
                recipients=0,
                selection=selection,
                note=nothing_to_resend(record, selection),
            )
        dialogs = await resends_repo.picked_dialogs(self._pool, campaign_id, selection.picked)
        by_step: dict[int, list[str]] = defaultdict(list)
        for step_no, contact_id in dialogs:
            by_step[step_no].append(contact_id)
        return await self._create(principal, record, request, selection, dict(by_step))

    async def _earlier(
        self, record: CampaignRecord, request: ResendRequest, selection: Selection
    ) -> Resend | None:
        request_id = request_id_of(record.id)
        found = await campaigns_repo.accepted_request(self._pool, record.tenant_id, request_id)
        if found is None:
            return None
        stored_print, ids = found
        campaigns = await campaigns_repo.get_campaigns(self._pool, record.tenant_id, ids)
        if stored_print != request.fingerprint():
            made = ", ".join(f"{c.id} (sid{c.sending_id})" for c in campaigns)
            raise Refusal(
                f"campaign {record.id} was already resent, with other options, as {made}: "
                "a campaign is resent once, so nobody gets a message twice; see that "
                "campaign, or resend it in turn",
                "already_resent",
                status=409,
            )
        return Resend(
            original=record,
            created=False,
            request_id=request_id,
            campaigns=campaigns,
            recipients=sum(c.estimated_audience or 0 for c in campaigns),
            selection=selection,
        )

    async def _create(
        self,
        principal: Principal,
        record: CampaignRecord,
        request: ResendRequest,
        selection: Selection,
        by_step: dict[int, list[str]],
    ) -> Resend:
        tenant = await accounts_repo.get_tenant(self._pool, record.tenant_id)
        if tenant is None:
            raise Refusal(f"unknown tenant {record.tenant_id!r}", "unknown_tenant")
        await self._check_connection(record)
        settings = await settings_repo.get_settings(self._pool, record.tenant_id)
        planned = _plan(record, request, tenant, by_step, settings)
        committed = await campaigns_repo.month_commitment(
            self._pool, tenant.id, *month_bounds(planned[0].start_at)
        )
        check_monthly_limit(tenant, planned, committed)
        campaigns = await store_accepted(
            self._runtime,
            Accepted(
                request_id=request_id_of(record.id),
                fingerprint=request.fingerprint(),
                started_by=principal.key_id,
                content=record.content,
                planned=planned,
                audiences=[ContactsAudience(contact_ids=by_step[k]) for k in sorted(by_step)],
                resend_of=record.id,
            ),
        )
        if campaigns is None:  # the same resend raced us and won
            earlier = await self._earlier(record, request, selection)
            assert earlier is not None
            return earlier
        return Resend(
            original=record,
            created=True,
            request_id=request_id_of(record.id),
            campaigns=campaigns,
            recipients=sum(len(people) for people in by_step.values()),
            selection=selection,
        )

    async def _check_connection(self, record: CampaignRecord) -> None:
        connections = await accounts_repo.list_connections(self._pool, record.tenant_id)
        if not any(c.connection.id == record.connection_id for c in connections):
            raise Refusal(
                f"connection {record.connection_id!r} of campaign {record.id} no longer "
                f"exists: save it again with PUT /v1/connections/{record.connection_id}",
                "unknown_connection",
            )


def _admin_tenant(principal: Principal) -> str:
    if principal.tenant_id is None or principal.role != "admin":
        raise Refusal(
            "resending a campaign needs a tenant admin's API key, as starting one does",
            "operator_forbidden",
            status=403,
        )
    return principal.tenant_id


def _plan(
    record: CampaignRecord,
    request: ResendRequest,
    tenant: Tenant,
    by_step: dict[int, list[str]],
    settings: TenantSettings,
) -> list[PlannedCampaign]:
    """One campaign per step the picked recipients' chains stopped at, under the
    tenant's quiet hours, time zone and auto-pause threshold as they are now."""
    now = utc_now()
    start = resolve_start(request.start_at, now)
    steps = [CampaignStep.model_validate(step) for step in record.steps]
    planned = []
    for first in sorted(by_step):
        people = by_step[first]
        if len(people) > MAX_LISTED:
            raise Refusal(
                f"{len(people)} recipients stopped at step {first}; a resend takes at most "
                f"{MAX_LISTED} at once: upload them as a list (POST /v1/audience/lists)",
                "too_many",
            )
        chain = steps_from(steps, first)
        start_at = first_step_at(start, chain[0])
        check_subscription(tenant, start_at, now)
        planned.append(
            PlannedCampaign(
                id=uuid.uuid4(),
                tenant_id=tenant.id,
                connection_id=record.connection_id,
                channel=record.channel,
                name=resend_name(record.name, request.name, first, len(steps)),
                steps=chain,
                interval_seconds=record.interval_seconds,
                start_at=start_at,
                counts_toward_quota=record.counts_toward_quota,
                estimated_audience=len(people),
                monthly_limit=tenant.monthly_limit,
                quiet_hours=settings.quiet_hours,
                timezone=settings.timezone,
                auto_pause=effective_auto_pause(None, settings.auto_pause),
            )
        )
    return planned
