"""The notice of a sending that paused itself: the reason in the group's language,
and the command that lets it go on."""

from __future__ import annotations

import uuid

from contracts.base import utc_now
from contracts.campaigns import CampaignPausedV1, FailureRate
from operator_bot.notices import paused_itself

CAMPAIGN = {"sending_id": 7, "name": "Autumn"}


def paused(**fields: object) -> CampaignPausedV1:
    return CampaignPausedV1.model_validate(
        {
            "campaign_id": uuid.uuid4(),
            "tenant_id": "t",
            "connection_id": "tg",
            "name": "Autumn",
            "paused_at": utc_now(),
            **fields,
        }
    )


def test_a_failure_rate_pause_names_the_figures_and_the_resume() -> None:
    event = paused(
        reason="failure_rate", failure_rate=FailureRate(failed=41, attempts=200, threshold=0.2)
    )
    text = paused_itself("en", CAMPAIGN, event)
    assert "41 of its last 200 messages failed" in text
    assert "/send sid7 resume" in text


def test_a_restricted_account_pause_names_the_platforms_code_in_russian() -> None:
    text = paused_itself("ru", CAMPAIGN, paused(reason="account_restricted", platform_code="368"))
    assert "платформа ограничила аккаунт отправителя (368)" in text
    assert "/send sid7 resume" in text
