"""How many an audience reaches now, by connection."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from contracts.audience import Audience, AudienceEstimateV1
from contracts.base import utc_now

from ..domain.model import Principal, Refusal
from ..domain.planning import aim_test_send
from ..estimates import estimate
from ..repo import accounts as accounts_repo
from ..repo.accounts import ConnectionDetails
from .access import member_tenant
from .services import AppServices


@dataclass(frozen=True)
class Reach:
    """The audience-resolver's answer, the recipients on each of the caller's
    connections it reaches, and when it was asked."""

    found: AudienceEstimateV1
    by_connection: list[tuple[ConnectionDetails, int]]
    at: datetime


async def estimate_audience(
    svc: AppServices, caller: Principal, audience: Audience, connection_id: str | None = None
) -> Reach:
    """The audience's size now (the real audience is snapshotted at launch); a
    test send counts the caller's own dialog."""
    tenant_id = member_tenant(caller)
    audience, connection_id = aim_test_send(audience, connection_id, caller)
    found = await estimate(
        svc.runtime.broker,
        tenant_id=tenant_id,
        connection_id=connection_id,
        audience=audience,
        wait_seconds=svc.settings.estimate_timeout_seconds,
    )
    if found.error is not None:
        raise Refusal(found.error, "unknown_audience")
    sizes = found.by_connection or (
        {connection_id: found.audience_size} if connection_id is not None else {}
    )
    connections = await accounts_repo.list_connections(svc.pool, tenant_id)
    reached = [(d, sizes[d.connection.id]) for d in connections if d.connection.id in sizes]
    return Reach(found, reached, utc_now())
