"""When a campaign pauses itself for its failures: the threshold it runs with."""

from __future__ import annotations

from contracts.campaigns import AutoPause
from contracts.scheduling import AutoPauseThreshold

from .settings import AutoPause as TenantAutoPause


def effective_auto_pause(
    requested: AutoPause | None, tenants: TenantAutoPause
) -> AutoPauseThreshold:
    """The campaign's own threshold, each field it leaves out taken from the
    tenant's settings (20% of the latest 200 attempts unless its admin changed it)."""
    return AutoPauseThreshold(
        failure_ratio=(requested and requested.failure_ratio) or tenants.failure_ratio,
        window=(requested and requested.window) or tenants.window,
    )
