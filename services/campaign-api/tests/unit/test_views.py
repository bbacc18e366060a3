"""A campaign as the API shows it: how its texts were written."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from campaign_api.api.views import detail
from campaign_api.domain.model import CampaignRecord

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def record() -> CampaignRecord:
    return CampaignRecord(
        id=uuid.uuid4(),
        tenant_id="acme",
        request_id="r1",
        requested_by=None,
        name="Tasting",
        connection_id="tg-main",
        channel="telegram_bot",
        audience={"kind": "all"},
        content={"kind": "ai", "prompt": "Invite them", "fallback_text": "Hi!"},
        steps=[],
        interval_seconds=0,
        start_at=NOW,
        counts_toward_quota=True,
        status="completed",
        audience_size=12,
        unknown_count=0,
        unknown_external_ids=[],
        created_at=NOW,
        started_at=NOW,
        finished_at=NOW,
        cancel_requested_at=None,
        sending_id=1,
    )


def test_texts_of_the_built_in_composer_are_said_not_to_be_an_llms() -> None:
    shown = detail(
        record(),
        [],
        [("ai_builtin", None, 9), ("ai_fallback", "rejected", 1), ("ai_fallback", "timeout", 2)],
    )
    assert shown.compositions == {"ai_builtin": 9, "ai_fallback": 3}
    assert shown.fallback_reasons == {"rejected": 1, "timeout": 2}
    assert shown.composition_note is not None
    assert "9 of these texts were written by the built-in composer, which is not an LLM" in (
        shown.composition_note
    )
    assert (
        "3 recipients got the fallback text instead of a written one (rejected 1, timeout 2)"
        in (shown.composition_note)
    )


def test_texts_of_a_language_model_need_no_note() -> None:
    shown = detail(record(), [], [("ai", None, 12)])
    assert (shown.compositions, shown.fallback_reasons, shown.composition_note) == (
        {"ai": 12},
        {},
        None,
    )
    assert detail(record(), []).compositions == {}
