"""The pre-flight of an estimate or a dry run: per connection, from the
audience-resolver's one answer, the tenant's settings and remaining allowance,
and the connections' limits (`domain.preflight` does the arithmetic)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from contracts.audience import AudienceEstimateV1
from contracts.quiet_hours import QuietHours
from contracts.scheduling import CampaignStep
from contracts.tenants import ConnectionLimits

from ..domain.model import PlannedCampaign, Sample, Tenant
from ..domain.planning import month_bounds
from ..domain.preflight import Plan, Preflight, PreflightWarning, preflight
from ..domain.settings import TenantSettings
from ..repo import Pool
from ..repo import campaigns as campaigns_repo
from ..repo.accounts import ConnectionDetails

AI_WITHOUT_MODEL = PreflightWarning(
    "ai_without_model",
    "no language model is configured: the built-in writer (not an LLM) will write the texts",
)


@dataclass(frozen=True)
class Sending:
    """How a campaign would send: the same on every connection."""

    start_at: datetime
    interval_seconds: float = 0.0
    steps: Sequence[CampaignStep] = ()
    quiet_hours: QuietHours | None = None
    timezone: str = "UTC"


async def remaining_this_month(pool: Pool, tenant: Tenant, start_at: datetime) -> int:
    """Messages the tenant may still send in the month `start_at` falls in."""
    committed = await campaigns_repo.month_commitment(pool, tenant.id, *month_bounds(start_at))
    return max(0, tenant.monthly_limit - committed)


def plans_of(
    found: AudienceEstimateV1,
    connections: Sequence[ConnectionDetails],
    sending: Sending,
    remaining: int | None,
) -> list[Preflight]:
    """The pre-flight of each connection the audience reaches; the month's
    remaining allowance goes to the connections in order."""
    answers = []
    for details in connections:
        connection = details.connection
        if connection.id not in found.by_connection:
            continue
        groups = [g for g in found.groups if g.connection_id == connection.id]
        plan = Plan(
            connection_id=connection.id,
            channel=connection.channel,
            limits=ConnectionLimits.model_validate(details.limits),
            first_used_at=details.first_used_at,
            matching=found.by_connection[connection.id],
            groups=groups,
            start_at=sending.start_at,
            interval_seconds=sending.interval_seconds,
            steps=sending.steps,
            quiet_hours=sending.quiet_hours,
            timezone=sending.timezone,
            opted_out=found.opted_out_count,
            unknown=found.unknown_count,
            monthly_remaining=remaining,
        )
        answer = preflight(plan)
        answers.append(answer)
        if remaining is not None:
            remaining = max(0, remaining - answer.will_send * max(1, len(sending.steps)))
    return answers


def preflight_of(
    found: AudienceEstimateV1 | None,
    planned: Sequence[PlannedCampaign],
    connections: Sequence[ConnectionDetails],
    settings: TenantSettings,
) -> dict[str, Preflight]:
    """Each planned campaign's pre-flight, by connection (none without an answer)."""
    if found is None or not planned:
        return {}
    first = planned[0]
    sending = Sending(
        start_at=first.start_at,
        interval_seconds=first.interval_seconds,
        steps=first.steps,
        quiet_hours=first.quiet_hours,
        timezone=settings.timezone,
    )
    chosen = {p.connection_id for p in planned}
    answers = plans_of(
        found, [d for d in connections if d.connection.id in chosen], sending, remaining=None
    )
    return {a.connection_id: a for a in answers}


def with_samples(checks: dict[str, Preflight], samples: Sequence[Sample]) -> dict[str, Preflight]:
    """A dry run's pre-flight with what its AI samples show: written by the built-in
    writer, no language model is configured."""
    if not any(s.composition == "ai_builtin" for s in samples):
        return checks
    return {c: replace(a, warnings=[*a.warnings, AI_WITHOUT_MODEL]) for c, a in checks.items()}
