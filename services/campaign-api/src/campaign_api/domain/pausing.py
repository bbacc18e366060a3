"""When a campaign pauses itself for its failures: the threshold it runs with."""

from __future__ import annotations

from contracts.campaigns import AutoPause
from contracts.scheduling import AutoPauseThreshold

DEFAULT_AUTO_PAUSE = AutoPauseThreshold(failure_ratio=0.2, window=200)
"""20% of the latest 200 attempts failed (the settings' default)."""


def effective_auto_pause(
    requested: AutoPause | None, default: AutoPauseThreshold
) -> AutoPauseThreshold:
    """The campaign's own threshold, each field it leaves out taken from `default`
    (the tenant's, for now the service's setting)."""
    if requested is None:
        return default
    return AutoPauseThreshold(
        failure_ratio=requested.failure_ratio or default.failure_ratio,
        window=requested.window or default.window,
    )
