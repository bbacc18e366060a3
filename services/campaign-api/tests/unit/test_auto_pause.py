"""The threshold a campaign pauses itself at: its own fields over the tenant's."""

from __future__ import annotations

from campaign_api.domain.pausing import effective_auto_pause
from campaign_api.domain.settings import AutoPause as TenantAutoPause
from contracts.campaigns import AutoPause
from contracts.scheduling import AutoPauseThreshold

TENANTS = TenantAutoPause(failure_ratio=0.3, window=100)


def test_a_campaign_that_says_nothing_takes_the_tenants_setting() -> None:
    assert effective_auto_pause(None, TENANTS) == AutoPauseThreshold(failure_ratio=0.3, window=100)


def test_a_tenant_that_set_nothing_pauses_at_a_fifth_of_the_last_200() -> None:
    default = AutoPauseThreshold(failure_ratio=0.2, window=200)
    assert effective_auto_pause(None, TenantAutoPause()) == default


def test_each_field_the_campaign_gives_wins() -> None:
    own = effective_auto_pause(AutoPause(window=50), TENANTS)
    assert own == AutoPauseThreshold(failure_ratio=0.3, window=50)
    own = effective_auto_pause(AutoPause(failure_ratio=0.5, window=20), TENANTS)
    assert own == AutoPauseThreshold(failure_ratio=0.5, window=20)
