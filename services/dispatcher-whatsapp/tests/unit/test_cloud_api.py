"""Payloads for the Cloud API, and what each of its answers means."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from contracts.audience import Recipient
from contracts.content import MediaType
from contracts.dispatch import DispatchJob, OutboundContent, OutboundMedia, OutboundText
from dispatch_core.graph_api import GraphAnswer, RateLimitBackoff
from dispatch_core.model import ConnectionBlocked, Failed, RateLimited, Retry, Sent
from dispatcher_whatsapp.cloud_api import (
    interpret,
    message_payload,
    recipient_stop_hint,
    too_long,
    with_stop_hint,
)

HINT = "Reply STOP to unsubscribe."


def job(content: OutboundContent) -> DispatchJob:
    return DispatchJob(
        campaign_id=uuid.uuid4(),
        recipient_no=1,
        step_no=1,
        recipient=Recipient(recipient_no=1, contact_id="wa:4915112345678", external_id="4915"),
        content=content,
        released_at=datetime(2026, 11, 23, tzinfo=UTC),
    )


def graph_error(status: int, code: int, message: str = "(#0) error") -> GraphAnswer:
    return GraphAnswer(
        status, {"error": {"message": message, "type": "OAuthException", "code": code}}
    )


def test_texts_end_with_the_stop_hint_once() -> None:
    assert with_stop_hint("Hi!  ", HINT) == f"Hi!\n\n{HINT}"
    assert with_stop_hint(f"Hi!\n\n{HINT}", HINT) == f"Hi!\n\n{HINT}"
    assert with_stop_hint("Hi!", "") == "Hi!"


@pytest.mark.parametrize(
    ("media_type", "file", "field", "media"),
    [
        (
            "photo",
            "https://x/a.jpg",
            "image",
            {"link": "https://x/a.jpg", "caption": f"c\n\n{HINT}"},
        ),
        ("video", "vid-1", "video", {"id": "vid-1", "caption": f"c\n\n{HINT}"}),
        ("video_note", "vid-2", "video", {"id": "vid-2", "caption": f"c\n\n{HINT}"}),
        (
            "animation",
            "https://x/a.mp4",
            "video",
            {"link": "https://x/a.mp4", "caption": f"c\n\n{HINT}"},
        ),
        ("document", "doc-1", "document", {"id": "doc-1", "caption": f"c\n\n{HINT}"}),
        ("audio", "aud-1", "audio", {"id": "aud-1"}),
        ("voice", "https://x/v.ogg", "audio", {"link": "https://x/v.ogg"}),
        ("sticker", "stk-1", "sticker", {"id": "stk-1"}),
    ],
)
def test_media_goes_by_link_or_id_with_a_caption_where_the_type_has_one(
    media_type: MediaType, file: str, field: str, media: dict[str, str]
) -> None:
    content = OutboundMedia(media_type=media_type, file=file, caption="c")
    payload = message_payload(job(content), "4915", HINT)
    assert payload == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "4915",
        "type": field,
        field: media,
    }


def test_too_long_texts_and_captions_are_refused_without_a_call() -> None:
    ok = message_payload(job(OutboundText(text="x" * (4096 - len(HINT) - 2))), "1", HINT)
    assert too_long(ok) is None
    long_text = message_payload(job(OutboundText(text="x" * 4095)), "1", HINT)
    refused = too_long(long_text)
    assert refused is not None
    assert (refused.code, "at most 4096 characters" in refused.reason) == ("message.too_long", True)
    caption = OutboundMedia(media_type="photo", file="https://x/a.jpg", caption="x" * 1020)
    assert too_long(message_payload(job(caption), "1", HINT)) is not None


def test_an_accepted_message_gives_its_wamid() -> None:
    body: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "contacts": [{"input": "4915", "wa_id": "4915"}],
        "messages": [{"id": "wamid.HBgL"}],
    }
    assert interpret(GraphAnswer(200, body), RateLimitBackoff()) == Sent("wamid.HBgL")


@pytest.mark.parametrize(("status", "code"), [(429, 130429), (429, 131056), (400, 4), (400, 80007)])
def test_rate_limits_wait_4_then_16_then_64_seconds(status: int, code: int) -> None:
    backoff = RateLimitBackoff(4.0)
    waits = []
    for _ in range(3):
        outcome = interpret(graph_error(status, code), backoff)
        assert isinstance(outcome, RateLimited)
        assert outcome.code == str(code)
        waits.append(outcome.retry_after)
    assert waits == [4.0, 16.0, 64.0]
    interpret(GraphAnswer(200, {"messages": [{"id": "wamid.1"}]}), backoff)
    again = interpret(graph_error(status, code), backoff)
    assert isinstance(again, RateLimited)
    assert again.retry_after == 4.0


@pytest.mark.parametrize(("status", "code"), [(500, 131000), (503, 2), (500, 1), (502, 100)])
def test_server_errors_are_retried(status: int, code: int) -> None:
    assert isinstance(interpret(graph_error(status, code), RateLimitBackoff()), Retry)


@pytest.mark.parametrize(
    ("code", "says"),
    [
        (131048, "restricted for spam"),
        (368, "blocked for policy violations"),
        (190, "access token"),
    ],
)
def test_a_restricted_number_or_bad_token_pauses_the_connection(code: int, says: str) -> None:
    outcome = interpret(graph_error(403, code), RateLimitBackoff())
    assert isinstance(outcome, ConnectionBlocked)
    assert says in outcome.reason
    assert outcome.pause_seconds >= 86400


@pytest.mark.parametrize("code", [131026, 131047, 131050, 131049, 100, 132001])
def test_permanent_refusals_fail_the_message(code: int) -> None:
    outcome = interpret(graph_error(400, code, f"(#{code}) no"), RateLimitBackoff())
    assert isinstance(outcome, Failed)
    assert outcome.code == str(code)


def test_a_message_held_back_for_engagement_is_not_resent() -> None:
    outcome = interpret(graph_error(400, 131049), RateLimitBackoff())
    assert isinstance(outcome, Failed)
    assert "not resent" in outcome.reason
    assert "24 hours" in outcome.reason


def in_language(locale: str | None) -> DispatchJob:
    text = job(OutboundText(text="Hi"))
    return text.model_copy(
        update={"recipient": text.recipient.model_copy(update={"locale": locale})}
    )


@pytest.mark.parametrize(
    ("locale", "hint"),
    [
        ("ru_RU", "Чтобы отписаться, ответьте СТОП."),
        ("de-AT", "Antworten Sie STOPP, um sich abzumelden."),
        ("es", "Responde ALTO para darte de baja."),
        ("pt-BR", "Responda PARAR para cancelar a inscrição."),
        ("fr", "Répondez ARRÊT pour vous désabonner."),
        ("en", HINT),
        ("ja", HINT),
        (None, HINT),
    ],
)
def test_the_hint_is_in_the_recipients_language(locale: str | None, hint: str) -> None:
    assert recipient_stop_hint(in_language(locale), HINT) == hint


def test_a_connections_own_wording_comes_first_and_its_english_covers_other_languages() -> None:
    wording = {"de": "Mit STOPP abbestellen.", "en": "Text STOP to opt out."}
    assert recipient_stop_hint(in_language("de"), HINT, wording) == "Mit STOPP abbestellen."
    assert recipient_stop_hint(in_language("ja"), HINT, wording) == "Text STOP to opt out."
    assert (
        recipient_stop_hint(in_language("ru"), HINT, wording) == "Чтобы отписаться, ответьте СТОП."
    )
    assert recipient_stop_hint(in_language("ja"), "Send STOP.") == "Send STOP."
