"""What the wizard shows of the tenant's connections and of a dry run."""

from __future__ import annotations

from dataclasses import dataclass

from contracts.allowance import min_gap_seconds
from contracts.tenants import ConnectionLimits

from ..api.schemas import SendingDaysOut
from ..api.views import sending_days
from ..domain.model import PlannedCampaign
from ..domain.preflight import Preflight
from ..repo.accounts import ConnectionDetails
from ..usecases.campaigns import DryRun


@dataclass(frozen=True)
class ConnectionRow:
    id: str
    channel: str
    min_gap_seconds: float
    """The least interval its dispatcher holds between two messages."""


@dataclass(frozen=True)
class PlannedRow:
    plan: PlannedCampaign
    days: SendingDaysOut | None
    """For WhatsApp: over how many days the daily allowance lets it send."""
    preflight: Preflight | None = None
    """What each rule keeps out, how long it takes, warnings."""


def connection_rows(connections: list[ConnectionDetails]) -> list[ConnectionRow]:
    return [
        ConnectionRow(
            d.connection.id,
            d.connection.channel,
            min_gap_seconds(d.connection.channel, ConnectionLimits.model_validate(d.limits)),
        )
        for d in connections
    ]


def planned_rows(dry: DryRun) -> list[PlannedRow]:
    rows = []
    for plan in dry.planned:
        details = dry.connections.get(plan.connection_id)
        days = None
        if details is not None and plan.estimated_audience is not None:
            days = sending_days(details, plan.estimated_audience, plan.start_at)
        rows.append(PlannedRow(plan, days, dry.preflight.get(plan.connection_id)))
    return rows
