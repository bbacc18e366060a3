"""Which failures a resend picks: the classes of the codes the dispatchers report,
the default (transient and unknown), and what `include` and `include_codes` add."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from campaign_api.domain.model import CampaignRecord, Refusal
from campaign_api.domain.resend import (
    FailureGroup,
    ResendChoice,
    check_resendable,
    failure_class,
    nothing_to_resend,
    resend_name,
    select,
    steps_from,
)
from contracts.content import TextContent
from contracts.scheduling import CampaignStep

GAVE_UP = "Internal Server Error (gave up after 5 attempts)"


@pytest.mark.parametrize(
    ("status", "code", "reason", "expected"),
    [
        ("failed", "5xx", GAVE_UP, "transient"),
        (
            "failed",
            "network",
            "no answer within the timeout (gave up after 2 attempts)",
            "transient",
        ),
        ("failed", "131000", "Something went wrong", "transient"),
        (
            "failed",
            "503",
            "Service temporarily unavailable (gave up after 5 attempts)",
            "transient",
        ),
        (
            "failed",
            "RPC_CALL_FAIL",
            "Telegram is having internal issues (gave up after 3 attempts)",
            "transient",
        ),
        ("unknown", "dispatch.interrupted", "the dispatcher stopped mid-send", "unknown"),
        ("failed", "403", "Forbidden: bot was blocked by the user", "blocked"),
        ("failed", "403", "Forbidden: bot was kicked from the group chat", "blocked"),
        ("failed", "551", "This person isn't available right now.", "blocked"),
        ("failed", "USER_IS_BLOCKED", "the person blocked this account", "blocked"),
        ("failed", "403", "Forbidden: user is deactivated", "deactivated"),
        ("failed", "400", "Bad Request: chat not found", "deactivated"),
        ("failed", "131026", "Message undeliverable", "deactivated"),
        ("skipped", "policy.opted_out", "the person opted out", "opted_out"),
        ("failed", "131050", "opted out of marketing messages", "opted_out"),
        ("skipped", "policy.reply_window", "the person last wrote 3 days ago", "outside_window"),
        ("failed", "connection.paused", "Telegram rejected the bot token", "connection"),
        ("failed", "401", "Telegram rejected the bot token (401 Unauthorized)", "connection"),
        ("failed", "131048", "the number is restricted for spam", "connection"),
        ("skipped", "quota.monthly_limit", "the monthly limit was reached", "monthly_limit"),
        ("failed", "400", "Bad Request: message text is empty", "other"),
        ("failed", "131049", "held back to keep engagement healthy", "other"),
        ("failed", "message.too_long", "WhatsApp takes texts of at most 4096", "other"),
        ("skipped", "chain.previous_step", "the previous message did not reach", None),
        ("cancelled", "campaign.cancelled", "the campaign was cancelled", None),
        ("sent", None, None, None),
    ],
)
def test_each_reported_failure_has_its_class(
    status: str, code: str | None, reason: str | None, expected: str | None
) -> None:
    assert failure_class(status, code, reason) == expected


def group(
    code: str | None, reason: str | None, count: int, *, status: str = "failed"
) -> FailureGroup:
    return FailureGroup(step_no=1, status=status, error_code=code, error_reason=reason, count=count)


GROUPS = [
    group("5xx", GAVE_UP, 3),
    group("dispatch.interrupted", "stopped mid-send", 2, status="unknown"),
    group("403", "Forbidden: bot was blocked by the user", 4),
    group("403", "Forbidden: user is deactivated", 5),
    group("policy.opted_out", "opted out", 6, status="skipped"),
    group("400", "Bad Request: message text is empty", 7),
    group("campaign.cancelled", "cancelled", 8, status="cancelled"),
]


def test_by_default_a_resend_picks_transient_failures_and_unknown_outcomes() -> None:
    found = select(GROUPS, ResendChoice())
    assert found.recipients == 5
    assert dict(found.picked_by_class) == {"transient": 3, "unknown": 2}
    assert dict(found.left_by_class) == {"blocked": 4, "deactivated": 5, "opted_out": 6, "other": 7}


def test_include_adds_classes_and_include_codes_adds_exact_codes() -> None:
    found = select(
        GROUPS,
        ResendChoice(include=frozenset({"blocked", "opted_out"}), include_codes=frozenset({"400"})),
    )
    assert found.recipients == 3 + 2 + 4 + 6 + 7
    assert dict(found.left_by_class) == {"deactivated": 5}


def test_nobody_to_resend_to_says_what_was_left_out() -> None:
    found = select([GROUPS[2], GROUPS[6]], ResendChoice())
    assert found.recipients == 0
    record = _record("completed")
    note = nothing_to_resend(record, found)
    assert "nobody to resend to" in note
    assert "4 blocked" in note
    assert "include" in note
    assert "no delivery" in nothing_to_resend(record, select([], ResendChoice()))


def _record(status: str) -> CampaignRecord:
    moment = datetime(2026, 12, 1, tzinfo=UTC)
    return CampaignRecord(
        id=uuid.uuid4(),
        tenant_id="acme",
        request_id="r",
        requested_by=None,
        name="Promo",
        connection_id="tg-main",
        channel="telegram_bot",
        audience={"kind": "all"},
        content={"kind": "text", "text": "Hi"},
        steps=[],
        interval_seconds=0,
        start_at=moment,
        counts_toward_quota=True,
        status=status,  # type: ignore[arg-type]
        audience_size=None,
        unknown_count=0,
        unknown_external_ids=[],
        created_at=moment,
        started_at=None,
        finished_at=None,
        cancel_requested_at=None,
        sending_id=1,
    )


@pytest.mark.parametrize("status", ["completed", "cancelled"])
def test_a_finished_campaign_may_be_resent(status: str) -> None:
    check_resendable(_record(status))


@pytest.mark.parametrize("status", ["scheduled", "running"])
def test_a_campaign_still_going_is_refused_with_409(status: str) -> None:
    with pytest.raises(Refusal) as refused:
        check_resendable(_record(status))
    assert refused.value.status == 409
    assert refused.value.code == "not_finished"
    assert "completed or was cancelled" in refused.value.reason


def test_a_chain_is_resent_from_the_step_it_stopped_at() -> None:
    steps = [
        CampaignStep(step_no=n, delay_seconds=60.0 * n, content=TextContent(text=f"step {n}"))
        for n in (1, 2, 3)
    ]
    tail = steps_from(steps, 2)
    assert [(s.step_no, s.delay_seconds, s.content) for s in tail] == [
        (1, 0, TextContent(text="step 2")),
        (2, 180.0, TextContent(text="step 3")),
    ]
    assert steps_from(steps, 1)[1:] == tuple(steps[1:])
    assert resend_name("Promo", None, 1, 3) == "Promo (resend)"
    assert resend_name("Promo", "Again", 2, 3) == "Again, from step 2 of 3"
