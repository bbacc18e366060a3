"""Payloads for the Messaging API, and what each of its answers means."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from contracts.audience import Recipient
from contracts.content import MediaType
from contracts.dispatch import DispatchJob, OutboundMedia, OutboundTemplate, OutboundText
from dispatch_core.graph_api import GraphAnswer, RateLimitBackoff
from dispatch_core.limits import DEFAULTS
from dispatch_core.model import (
    ConnectionBlocked,
    ConnectionConfig,
    Failed,
    RateLimited,
    Retry,
    Sent,
)
from dispatcher_instagram.messaging_api import (
    InstagramClient,
    interpret,
    message_payloads,
    too_long,
)

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def graph_error(status: int, code: int, subcode: int | None = None) -> GraphAnswer:
    error: dict[str, object] = {"message": f"(#{code}) no", "type": "IGApiException", "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    return GraphAnswer(status, {"error": error})


def test_a_text_is_one_call() -> None:
    assert message_payloads(OutboundText(text="Hi"), "178") == [
        {"recipient": {"id": "178"}, "message": {"text": "Hi"}}
    ]


@pytest.mark.parametrize(
    ("media_type", "kind"),
    [
        ("photo", "image"),
        ("animation", "image"),
        ("sticker", "image"),
        ("video", "video"),
        ("video_note", "video"),
        ("audio", "audio"),
        ("voice", "audio"),
        ("document", "file"),
    ],
)
def test_media_is_an_attachment_by_url_or_id_then_its_caption(
    media_type: MediaType, kind: str
) -> None:
    by_url = OutboundMedia(media_type=media_type, file="https://x/f", caption="Look")
    assert message_payloads(by_url, "178") == [
        {
            "recipient": {"id": "178"},
            "message": {"attachment": {"type": kind, "payload": {"url": "https://x/f"}}},
        },
        {"recipient": {"id": "178"}, "message": {"text": "Look"}},
    ]
    by_id = OutboundMedia(media_type=media_type, file="att-1")
    assert message_payloads(by_id, "178") == [
        {
            "recipient": {"id": "178"},
            "message": {"attachment": {"type": kind, "payload": {"attachment_id": "att-1"}}},
        }
    ]


def test_a_media_message_with_a_caption_takes_two_parts() -> None:
    account = ConnectionConfig(
        tenant_id="t",
        connection_id="ig",
        channel="instagram",
        limits=DEFAULTS["instagram"],
        first_used_at=None,
        updated_at=NOW,
    )
    client = InstagramClient(
        "http://127.0.0.1:9/v21.0", account, timeout=1, rate_limit_first_wait=4
    )

    def job_of(content: OutboundText | OutboundMedia) -> DispatchJob:
        return DispatchJob(
            campaign_id=uuid.uuid4(),
            recipient_no=1,
            step_no=1,
            recipient=Recipient(recipient_no=1, contact_id="ig:178", external_id="178"),
            content=content,
            released_at=NOW,
        )

    assert client.parts(job_of(OutboundText(text="hi"))) == 1
    assert client.parts(job_of(OutboundMedia(media_type="photo", file="att-1"))) == 1
    captioned = OutboundMedia(media_type="photo", file="att-1", caption="Look")
    assert client.parts(job_of(captioned)) == 2


def test_texts_must_be_shorter_than_a_thousand_characters() -> None:
    assert too_long(OutboundText(text="x" * 999)) is None
    refused = too_long(OutboundText(text="x" * 1000))
    assert refused is not None
    assert refused.code == "message.too_long"
    assert too_long(OutboundMedia(media_type="photo", file="f", caption="x" * 1000)) is not None


async def test_a_whatsapp_template_is_refused_without_a_call() -> None:
    account = ConnectionConfig(
        tenant_id="t",
        connection_id="ig",
        channel="instagram",
        limits=DEFAULTS["instagram"],
        first_used_at=None,
        updated_at=NOW,
    )
    client = InstagramClient(
        "http://127.0.0.1:9/v21.0", account, timeout=1, rate_limit_first_wait=4
    )
    job = DispatchJob(
        campaign_id=uuid.uuid4(),
        recipient_no=1,
        step_no=1,
        recipient=Recipient(recipient_no=1, contact_id="ig:178", external_id="178"),
        content=OutboundTemplate(template_name="offer", language="en_US"),
        released_at=NOW,
    )
    outcome = await client.send(job, "178")
    await client.close()
    assert isinstance(outcome, Failed)
    assert outcome.code == "content.unsupported"


def test_an_accepted_message_gives_its_id() -> None:
    answer = GraphAnswer(200, {"recipient_id": "178", "message_id": "aWdf"})
    assert interpret(answer, RateLimitBackoff()) == Sent("aWdf")


@pytest.mark.parametrize(("status", "code"), [(429, 4), (400, 17), (400, 32), (400, 613), (503, 2)])
def test_rate_limits_and_temporary_unavailability_back_off(status: int, code: int) -> None:
    backoff = RateLimitBackoff(4.0)
    waits = []
    for _ in range(2):
        outcome = interpret(graph_error(status, code), backoff)
        assert isinstance(outcome, RateLimited)
        waits.append(outcome.retry_after)
    assert waits == [4.0, 16.0]


@pytest.mark.parametrize(("status", "code"), [(500, 1), (502, 100)])
def test_server_errors_are_retried(status: int, code: int) -> None:
    assert isinstance(interpret(graph_error(status, code), RateLimitBackoff()), Retry)


def test_an_unavailable_person_is_not_retried() -> None:
    outcome = interpret(graph_error(400, 551, 1545041), RateLimitBackoff())
    assert outcome == Failed("551/1545041", "(#551) no")


def test_outside_the_window_is_a_failure_of_the_message() -> None:
    outcome = interpret(graph_error(403, 10, 2018278), RateLimitBackoff())
    assert isinstance(outcome, Failed)
    assert outcome.code == "10/2018278"


@pytest.mark.parametrize(("code", "says"), [(190, "access token"), (368, "policy violations")])
def test_a_bad_token_or_a_blocked_account_pauses_the_connection(code: int, says: str) -> None:
    outcome = interpret(graph_error(400, code), RateLimitBackoff())
    assert isinstance(outcome, ConnectionBlocked)
    assert says in outcome.reason
