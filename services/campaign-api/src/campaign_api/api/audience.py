"""How many an audience matches now."""

from __future__ import annotations

from fastapi import APIRouter

from ..domain.planning import aim_test_send
from ..estimates import estimate
from .deps import Member, Services, tenant_of
from .schemas import EstimateIn, EstimateOut

router = APIRouter(prefix="/v1/audience", tags=["audience"])


@router.post("/estimate", response_model=EstimateOut)
async def estimate_audience(body: EstimateIn, svc: Services, caller: Member) -> EstimateOut:
    """The audience's size now, per connection; the real audience is snapshotted at launch."""
    audience, connection_id = aim_test_send(body.audience, body.connection_id, caller)
    found = await estimate(
        svc.runtime.broker,
        tenant_id=tenant_of(caller),
        connection_id=connection_id,
        audience=audience,
        wait_seconds=svc.settings.estimate_timeout_seconds,
    )
    return EstimateOut(
        audience_size=found.audience_size,
        by_connection=found.by_connection,
        unknown_external_ids=found.unknown_external_ids,
    )
