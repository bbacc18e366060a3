"""How many an audience matches now."""

from __future__ import annotations

from contracts.base import utc_now
from fastapi import APIRouter
from pydantic import Field

from ..domain.model import Refusal
from ..domain.planning import aim_test_send
from ..estimates import estimate
from ..repo import accounts as accounts_repo
from .deps import Member, Services, tenant_of
from .problems import MEMBER_CALL
from .schemas import EstimateIn, EstimateOut
from .views import sending_days

router = APIRouter(prefix="/v1/audience", tags=["audience"], responses=MEMBER_CALL)


class AudienceEstimateOut(EstimateOut):
    unknown_count: int = Field(description="Listed ids with no dialog (all counted)")
    opted_out_external_ids: list[str] = Field(
        description="Listed ids whose dialogs opted out (the first 1000)"
    )
    opted_out_count: int = Field(description="Listed ids whose dialogs opted out (all counted)")


@router.post("/estimate", response_model=AudienceEstimateOut)
async def estimate_audience(body: EstimateIn, svc: Services, caller: Member) -> AudienceEstimateOut:
    """The audience's size now, per connection; the real audience is snapshotted at
    launch.  Listed ids it does not reach are named by reason: no dialog
    (`unknown_*`), or opted out (`opted_out_*`)."""
    audience, connection_id = aim_test_send(body.audience, body.connection_id, caller)
    found = await estimate(
        svc.runtime.broker,
        tenant_id=tenant_of(caller),
        connection_id=connection_id,
        audience=audience,
        wait_seconds=svc.settings.estimate_timeout_seconds,
    )
    if found.error is not None:
        raise Refusal(found.error, "unknown_audience")
    sizes = found.by_connection or (
        {connection_id: found.audience_size} if connection_id is not None else {}
    )
    connections = await accounts_repo.list_connections(svc.pool, tenant_of(caller))
    now = utc_now()
    days = [
        sending_days(details, sizes[details.connection.id], now)
        for details in connections
        if details.connection.id in sizes
    ]
    return AudienceEstimateOut(
        audience_size=found.audience_size,
        by_connection=found.by_connection,
        unknown_external_ids=found.unknown_external_ids,
        unknown_count=found.unknown_count,
        opted_out_external_ids=found.opted_out_external_ids,
        opted_out_count=found.opted_out_count,
        sending_days=[d for d in days if d is not None],
    )
