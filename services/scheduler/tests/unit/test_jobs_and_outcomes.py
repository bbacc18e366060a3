from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

from contracts.audience import Recipient
from contracts.content import AiContent, MediaContent, TextContent, WhatsAppTemplateContent
from contracts.dispatch import (
    DispatchJob,
    DispatchRequestedV1,
    OutboundMedia,
    OutboundText,
)
from contracts.personal_fields import recipient_fields
from contracts.scheduling import CampaignStep
from scheduler.domain.jobs import build_work, outbound
from scheduler.domain.model import Applied, CampaignRun, Released, Usage
from scheduler.domain.outcomes import (
    cancel_settled,
    cancelled_results,
    final_counters,
    skipped_results,
    tally,
)
from scheduler.repo.quotas import month_of

from .test_pacing import run

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def released(no: int, step: int = 1, name: str | None = "Alice Smith") -> Released:
    return Released(
        recipient_no=no,
        step_no=step,
        recipient=Recipient(
            recipient_no=no,
            contact_id=f"c:{no}",
            external_id=str(no),
            name=name,
            attributes={"city": "Berlin"},
        ).model_dump(mode="json"),
        released_at=NOW,
    )


def test_text_and_captions_are_personalised() -> None:
    steps = (
        CampaignStep(step_no=1, content=TextContent(text="Hi {first_name|friend} from {city}")),
        CampaignStep(
            step_no=2,
            delay_seconds=60,
            content=MediaContent(media_type="photo", file="https://x/y.jpg", caption="For {name}"),
        ),
    )
    body, compose = build_work(run(steps=steps), [released(1), released(2, 2, None)])
    assert compose == []
    assert body is not None
    first, second = DispatchRequestedV1.model_validate_json(body).jobs
    assert first.content == OutboundText(text="Hi Alice from Berlin")
    assert second.content == OutboundMedia(
        media_type="photo", file="https://x/y.jpg", caption="For "
    )
    assert (second.recipient_no, second.step_no) == (2, 2)


RECIPIENTS = [
    Recipient(recipient_no=1, contact_id="c:1", external_id="1", name="Alice Smith"),
    Recipient(
        recipient_no=2,
        contact_id="c:2",
        external_id="2",
        name=None,
        locale="de",
        labels=["vip", "ß"],
        attributes={
            "city": "Zürich",
            "visits": 7,
            "score": 0.1,
            "member": True,
            "gone": None,
            "card": 123456789012345678901234567890,  # past 64 bits
        },
        last_inbound_at=NOW - timedelta(days=1),
    ),
    Recipient(recipient_no=3, contact_id="c:3", external_id="3", name=" 李 雷 ", labels=["x"]),
]
STEPS = (
    CampaignStep(step_no=1, content=TextContent(text="Hi {first_name|friend}, {card} {city}")),
    CampaignStep(step_no=2, content=TextContent(text="No fields here")),
    CampaignStep(
        step_no=3,
        content=MediaContent(media_type="photo", file="https://x/y.jpg", caption="For {name}"),
    ),
    CampaignStep(step_no=4, content=MediaContent(media_type="document", file="https://x/z.pdf")),
    CampaignStep(
        step_no=5,
        content=WhatsAppTemplateContent(
            template_name="promo",
            components=[{"type": "body", "parameters": [{"type": "text", "text": "{name|you}"}]}],
        ),
    ),
)


def as_models(campaign: CampaignRun, items: list[Released]) -> DispatchRequestedV1:
    """The request the contracts' models give for the same release."""
    jobs = []
    for item in items:
        recipient = Recipient.model_validate(item.recipient)
        content = campaign.steps[item.step_no - 1].content
        assert not isinstance(content, AiContent)
        fields = recipient_fields(recipient.name, recipient.external_id, recipient.attributes)
        jobs.append(
            DispatchJob(
                campaign_id=campaign.id,
                recipient_no=item.recipient_no,
                step_no=item.step_no,
                recipient=recipient,
                content=outbound(content, fields),
                released_at=item.released_at,
            )
        )
    return DispatchRequestedV1(
        tenant_id=campaign.tenant_id,
        connection_id=campaign.connection_id,
        channel=campaign.channel,
        jobs=jobs,
    )


def test_the_dispatch_request_is_written_as_its_model_would_be_field_for_field() -> None:
    campaign = run(steps=STEPS)
    items = [
        Released(r.recipient_no, step, r.model_dump(mode="json"), NOW + timedelta(microseconds=n))
        for n, (r, step) in enumerate((r, step) for r in RECIPIENTS for step in range(1, 6))
    ]
    body, _ = build_work(campaign, items)
    assert body is not None
    expected = as_models(campaign, items)
    assert DispatchRequestedV1.model_validate_json(body) == expected  # as the dispatcher reads it
    assert json.loads(body) == json.loads(expected.model_dump_json())  # every field written
    assert json.loads(body)["jobs"][5]["recipient"]["attributes"]["card"] == (
        123456789012345678901234567890
    )


def test_a_release_at_a_whole_second_is_written_in_utc() -> None:
    campaign = run(steps=STEPS[1:2])
    item = Released(1, 1, RECIPIENTS[0].model_dump(mode="json"), NOW)
    body, _ = build_work(campaign, [item])
    assert body is not None
    assert json.loads(body) == json.loads(as_models(campaign, [item]).model_dump_json())


def test_ai_steps_go_to_the_composer() -> None:
    steps = (
        CampaignStep(step_no=1, content=AiContent(prompt="Invite", fallback_text="Hi {name}")),
    )
    dispatch, compose = build_work(run(steps=steps), [released(1), released(2)])
    assert dispatch is None
    assert len(compose) == 1
    assert compose[0].prompt == "Invite"
    assert [j.recipient_no for j in compose[0].jobs] == [1, 2]


def test_tally_counts_each_delivery_once_and_cuts_failed_chains() -> None:
    applied = [
        Applied(recipient_no=1, step_no=1, status="sent", done=False),
        Applied(recipient_no=2, step_no=1, status="failed", done=True),
        Applied(recipient_no=3, step_no=3, status="sent", done=True),
    ]
    counts = tally(applied, step_count=3)
    assert (counts.sent, counts.failed, counts.done, counts.settled) == (2, 1, 2, 3)
    assert counts.skipped == 2  # steps 2 and 3 of recipient 2
    assert counts.abandoned == [(2, 2)]
    skipped = skipped_results(uuid.uuid4(), counts.abandoned, 3, NOW)
    assert [(r.recipient_no, r.step_no, r.status) for r in skipped] == [
        (2, 2, "skipped"),
        (2, 3, "skipped"),
    ]
    assert all(r.error_code == "chain.previous_step" for r in skipped)


def test_final_counters_count_what_never_went_as_cancelled() -> None:
    counters = final_counters(run(audience_size=10, sent=4, failed=1, status="cancelled"))
    assert counters.cancelled == 5
    assert counters.audience_size == 10


def test_a_cancelled_campaign_cuts_every_chain_and_cancels_the_rest() -> None:
    applied = [
        Applied(recipient_no=1, step_no=1, status="sent", done=True),
        Applied(recipient_no=2, step_no=1, status="failed", done=True),
        Applied(recipient_no=3, step_no=3, status="sent", done=True),
    ]
    counts = tally(applied, step_count=3, cancelled=True)
    assert counts.abandoned == []
    assert counts.skipped == 0  # what the cancel stopped counts as cancelled
    assert counts.withdrawn == [(1, 2), (2, 2)]
    cancelled = cancelled_results(uuid.uuid4(), counts.withdrawn, 3, NOW)
    assert [(r.recipient_no, r.step_no, r.status) for r in cancelled] == [
        (1, 2, "cancelled"),
        (1, 3, "cancelled"),
        (2, 2, "cancelled"),
        (2, 3, "cancelled"),
    ]
    assert {r.error_code for r in cancelled} == {"campaign.cancelled"}


def test_a_cancelled_campaign_ends_once_its_snapshot_is_in_and_nothing_is_in_flight() -> None:
    cancelled = run(status="cancelled", snapshot_requested=True, audience_size=None)
    assert not cancel_settled(cancelled)  # its audience is still streaming in
    assert not cancel_settled(replace(cancelled, audience_size=10, batch_count=2))
    assert cancel_settled(replace(cancelled, audience_size=10, batch_count=2, batches_received=2))
    assert not cancel_settled(
        replace(cancelled, audience_size=10, batch_count=1, batches_received=1, outstanding=3)
    )
    never_snapshotted = run(status="cancelled", audience_size=None, batch_count=None)
    assert cancel_settled(never_snapshotted)
    assert final_counters(never_snapshotted).model_dump() == {
        "audience_size": 0,
        "sent": 0,
        "failed": 0,
        "skipped": 0,
        "cancelled": 0,
        "unknown": 0,
    }


def test_the_limit_grants_what_is_left_of_it() -> None:
    usage = Usage("t", date(2026, 11, 1), released=8, limit=10)
    assert usage.grantable(500) == 2
    assert usage.grantable(1) == 1
    assert Usage("t", date(2026, 11, 1), released=12, limit=10).grantable(5) == 0


def test_months_are_calendar_months_in_utc() -> None:
    new_year_in_berlin = datetime(2027, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1)))
    assert month_of(new_year_in_berlin) == date(2026, 12, 1)
    assert month_of(datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC)) == date(2026, 12, 1)
    assert month_of(datetime(2027, 1, 1, tzinfo=UTC)) == date(2027, 1, 1)


def test_a_deferred_step_is_settled_but_not_finished_unless_the_campaign_was_cancelled() -> None:
    waiting = tally([Applied(recipient_no=4, step_no=1, status="deferred", done=False)], 2)
    assert (waiting.settled, waiting.deferred, waiting.done, waiting.skipped) == (1, 1, 0, 0)
    assert (waiting.abandoned, waiting.withdrawn) == ([], [])
    ended = tally(
        [Applied(recipient_no=4, step_no=1, status="deferred", done=True)], 2, cancelled=True
    )
    assert (ended.done, ended.withdrawn) == (1, [(4, 1)])
