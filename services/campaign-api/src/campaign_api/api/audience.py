"""How many an audience matches now."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import Field

from ..usecases import audience
from .deps import Member, Services
from .problems import MEMBER_CALL
from .schemas import EstimateIn, EstimateOut, PreflightOut
from .views import preflight_out, sending_days

router = APIRouter(prefix="/v1/audience", tags=["audience"], responses=MEMBER_CALL)


class AudienceEstimateOut(EstimateOut):
    unknown_count: int = Field(description="Listed ids with no dialog (all counted)")
    opted_out_external_ids: list[str] = Field(
        description="Listed ids whose dialogs opted out (the first 1000)"
    )
    opted_out_count: int = Field(description="Listed ids whose dialogs opted out (all counted)")
    preflight: list[PreflightOut] = Field(
        default_factory=list,
        description="Per connection, if sent now at full pace with the tenant's quiet hours: "
        "what each rule keeps out, how long it takes and when it ends, warnings",
    )


@router.post("/estimate", response_model=AudienceEstimateOut)
async def estimate_audience(body: EstimateIn, svc: Services, caller: Member) -> AudienceEstimateOut:
    """The audience's size now, per connection; the real audience is snapshotted at
    launch.  Listed ids it does not reach are named by reason: no dialog
    (`unknown_*`), or opted out (`opted_out_*`)."""
    reach = await audience.estimate_audience(svc, caller, body.audience, body.connection_id)
    found = reach.found
    days = [sending_days(details, size, reach.at) for details, size in reach.by_connection]
    return AudienceEstimateOut(
        audience_size=found.audience_size,
        by_connection=found.by_connection,
        unknown_external_ids=found.unknown_external_ids,
        unknown_count=found.unknown_count,
        opted_out_external_ids=found.opted_out_external_ids,
        opted_out_count=found.opted_out_count,
        sending_days=[d for d in days if d is not None],
        preflight=[preflight_out(p) for p in reach.preflight],
    )
