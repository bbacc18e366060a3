from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from contracts.content import TextContent
from contracts.scheduling import CampaignStep
from scheduler.domain.model import CampaignRun
from scheduler.domain.pacing import current_slot, next_slot_after_release, release_budget

START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def run(**changes: object) -> CampaignRun:
    base = CampaignRun(
        id=uuid.uuid4(),
        tenant_id="t",
        connection_id="c",
        channel="telegram_bot",
        name="n",
        steps=(CampaignStep(step_no=1, content=TextContent(text="hi")),),
        interval_seconds=0,
        start_at=START,
        counts_toward_quota=True,
        status="running",
        audience_size=10,
        batch_count=1,
        batches_received=1,
        recipients_loaded=10,
        recipients_done=0,
        outstanding=0,
        next_slot_at=None,
        sent=0,
        failed=0,
        skipped=0,
        cancelled=0,
        unknown=0,
        final_event_at=None,
        now=START,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_without_interval_the_window_bounds_what_is_in_flight() -> None:
    assert release_budget(run(outstanding=0), window=2000, batch=500) == 500
    assert release_budget(run(outstanding=1800), window=2000, batch=500) == 200
    assert release_budget(run(outstanding=2000), window=2000, batch=500) == 0


def test_with_interval_one_per_slot() -> None:
    r = run(interval_seconds=90, next_slot_at=START + timedelta(seconds=90))
    assert release_budget(r, window=2000, batch=500) == 0
    due = replace(r, now=START + timedelta(seconds=90))
    assert release_budget(due, window=2000, batch=500) == 1


def test_the_next_slot_counts_from_the_actual_release() -> None:
    slot = START + timedelta(seconds=10)
    late = slot + timedelta(milliseconds=40)
    r = run(interval_seconds=0.2, next_slot_at=slot, now=late)
    assert next_slot_after_release(r, late) == late + timedelta(seconds=0.2)


def test_nothing_released_keeps_the_slot() -> None:
    slot = START + timedelta(seconds=10)
    r = run(interval_seconds=0.2, next_slot_at=slot)
    assert next_slot_after_release(r, None) == slot


def test_after_downtime_there_is_no_burst() -> None:
    slot = START + timedelta(seconds=10)
    later = slot + timedelta(minutes=5)
    r = run(interval_seconds=90, next_slot_at=slot, now=later)
    assert release_budget(r, window=2000, batch=500) == 1
    assert next_slot_after_release(r, later) == later + timedelta(seconds=90)


def test_first_slot_is_the_start_time() -> None:
    r = run(interval_seconds=5, next_slot_at=None, now=START)
    assert current_slot(r) == START
