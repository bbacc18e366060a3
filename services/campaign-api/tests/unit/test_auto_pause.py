"""The threshold a campaign pauses itself at: its own fields over the default."""

from __future__ import annotations

from campaign_api.domain.pausing import effective_auto_pause
from contracts.campaigns import AutoPause
from contracts.scheduling import AutoPauseThreshold

DEFAULT = AutoPauseThreshold(failure_ratio=0.2, window=200)


def test_a_campaign_that_says_nothing_takes_the_default() -> None:
    assert effective_auto_pause(None, DEFAULT) == DEFAULT


def test_each_field_the_campaign_gives_wins() -> None:
    own = effective_auto_pause(AutoPause(window=50), DEFAULT)
    assert own == AutoPauseThreshold(failure_ratio=0.2, window=50)
    own = effective_auto_pause(AutoPause(failure_ratio=0.5, window=20), DEFAULT)
    assert own == AutoPauseThreshold(failure_ratio=0.5, window=20)
