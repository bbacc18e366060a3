"""How many an audience reaches now, by connection."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from contracts.audience import Audience, AudienceEstimateV1
from contracts.base import utc_now

from ..domain.model import Principal, Refusal
from ..domain.planning import aim_test_send
from ..domain.preflight import Preflight, window_start
from ..estimates import estimate
from ..repo import accounts as accounts_repo
from ..repo import settings as settings_repo
from ..repo.accounts import ConnectionDetails
from . import preflight
from .access import member_tenant
from .services import AppServices


@dataclass(frozen=True)
class Reach:
    """The audience-resolver's answer, the recipients on each of the caller's
    connections it reaches, and when it was asked."""

    found: AudienceEstimateV1
    by_connection: list[tuple[ConnectionDetails, int]]
    at: datetime
    preflight: list[Preflight] = field(default_factory=list)
    """Per connection, if it were sent now at full pace: what each rule keeps out,
    how long it takes, warnings."""


async def estimate_audience(
    svc: AppServices, caller: Principal, audience: Audience, connection_id: str | None = None
) -> Reach:
    """The audience's size now (the real audience is snapshotted at launch); a
    test send counts the caller's own dialog."""
    tenant_id = member_tenant(caller)
    audience, connection_id = aim_test_send(audience, connection_id, caller)
    now = utc_now()
    found = await estimate(
        svc.runtime.broker,
        tenant_id=tenant_id,
        connection_id=connection_id,
        audience=audience,
        wait_seconds=svc.settings.estimate_timeout_seconds,
        window_since=window_start(now),
    )
    if found.error is not None:
        raise Refusal(found.error, "unknown_audience")
    sizes = found.by_connection or (
        {connection_id: found.audience_size} if connection_id is not None else {}
    )
    connections = await accounts_repo.list_connections(svc.pool, tenant_id)
    reached = [(d, sizes[d.connection.id]) for d in connections if d.connection.id in sizes]
    settings = await settings_repo.get_settings(svc.pool, tenant_id)
    tenant = await accounts_repo.get_tenant(svc.pool, tenant_id)
    remaining = await preflight.remaining_this_month(svc.pool, tenant, now) if tenant else None
    sending = preflight.Sending(
        start_at=now, quiet_hours=settings.quiet_hours, timezone=settings.timezone
    )
    checks = preflight.plans_of(found, connections, sending, remaining)
    return Reach(found, reached, now, checks)
