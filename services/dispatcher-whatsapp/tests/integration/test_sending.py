"""What reaches the Cloud API for each kind of message, and how fast."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Awaitable, Callable

import pytest
from contracts.dispatch import DispatchJob, OutboundMedia, OutboundTemplate, OutboundText
from contracts.optout import STOP_HINTS
from platform_sim import SimControl

from ..conftest import NO_WARMUP, QUICK, Harness, job, phone

pytestmark = pytest.mark.integration

HINT = "Reply STOP to unsubscribe."


async def test_each_kind_of_message_goes_out_in_the_cloud_apis_shape(
    harness: Harness,
    whatsapp: SimControl,
    people_wrote_lately: Callable[[list[int]], Awaitable[None]],
) -> None:
    await people_wrote_lately([1, 2, 3, 4])
    await harness.connect(**QUICK, **NO_WARMUP)
    campaign = uuid.uuid4()
    template = OutboundTemplate(
        template_name="autumn_sale",
        language="de",
        components=[{"type": "body", "parameters": [{"type": "text", "text": "Ann"}]}],
    )
    await harness.send(
        [
            job(campaign, 1, OutboundText(text="Hello Ann")),
            job(
                campaign,
                2,
                OutboundMedia(media_type="photo", file="https://cdn.example/a.jpg", caption="Look"),
            ),
            job(
                campaign, 3, OutboundMedia(media_type="voice", file="media-123", caption="ignored")
            ),
            job(
                campaign,
                4,
                OutboundMedia(media_type="document", file="https://cdn.example/p.pdf"),
            ),
            job(campaign, 5, template, wrote_hours_ago=None),  # never wrote: templates may go
        ]
    )
    results = await harness.collect(5)
    assert {n: r.status for n, r in results.items()} == dict.fromkeys(range(1, 6), "sent")
    assert all((r.platform_message_id or "").startswith("wamid.") for r in results.values())
    sent = {
        c["recipient"]: c["params"] for c in await whatsapp.calls(account=harness.phone_number_id)
    }
    common = {"messaging_product": "whatsapp", "recipient_type": "individual"}
    assert sent[phone(1)] == {
        **common,
        "to": phone(1),
        "type": "text",
        "text": {"body": f"Hello Ann\n\n{HINT}", "preview_url": False},
    }
    assert sent[phone(2)]["image"] == {
        "link": "https://cdn.example/a.jpg",
        "caption": f"Look\n\n{HINT}",
    }
    assert (sent[phone(3)]["type"], sent[phone(3)]["audio"]) == ("audio", {"id": "media-123"})
    assert sent[phone(4)]["document"] == {"link": "https://cdn.example/p.pdf"}
    assert sent[phone(5)] == {
        **common,
        "to": phone(5),
        "type": "template",
        "template": {
            "name": "autumn_sale",
            "language": {"code": "de"},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": "Ann"}]}],
        },
    }


async def test_messages_from_one_number_keep_the_minimum_gap(
    harness: Harness,
    whatsapp: SimControl,
    people_wrote_lately: Callable[[list[int]], Awaitable[None]],
) -> None:
    await people_wrote_lately([1, 2, 3])
    await harness.connect(min_gap_seconds=1, per_recipient_interval_seconds=0, **NO_WARMUP)
    campaign = uuid.uuid4()
    await harness.send([job(campaign, n) for n in (1, 2, 3)])
    await harness.collect(3)
    at = [c["at"] for c in await whatsapp.calls(account=harness.phone_number_id)]
    assert len(at) == 3
    gaps = [b - a for a, b in itertools.pairwise(at)]
    assert min(gaps) >= 0.95, gaps


def speaking(language: str | None, text_job: DispatchJob) -> DispatchJob:
    recipient = text_job.recipient.model_copy(update={"locale": language})
    return text_job.model_copy(update={"recipient": recipient})


async def test_the_stop_hint_is_in_the_recipients_language_or_the_connections_own_words(
    harness: Harness,
    whatsapp: SimControl,
    people_wrote_lately: Callable[[list[int]], Awaitable[None]],
) -> None:
    await people_wrote_lately([1, 2, 3, 4, 5, 6])
    own = {"de": "Mit STOPP abbestellen.", "en": "Text STOP to opt out."}
    await harness.connect(**QUICK, **NO_WARMUP)
    campaign = uuid.uuid4()
    await harness.send([speaking("ru_RU", job(campaign, 1)), speaking("pt-BR", job(campaign, 2))])
    await harness.collect(2)
    await harness.connect(**QUICK, **NO_WARMUP, stop_hint=own)
    await harness.served_with(stop_hint=own)
    await harness.send(
        [
            speaking("de", job(campaign, 3)),
            speaking("ja", job(campaign, 4)),
            speaking(None, job(campaign, 5)),
            speaking("fr", job(campaign, 6)),
        ]
    )
    outcomes = await harness.collect(6)
    body = {
        c["recipient"]: c["params"]["text"]["body"]
        for c in await whatsapp.calls(account=harness.phone_number_id)
    }
    # each outcome carries the text as WhatsApp was given it, the hint included
    assert {phone(n): r.text for n, r in outcomes.items()} == body
    assert body == {
        phone(1): f"hello 1\n\n{STOP_HINTS['ru']}",
        phone(2): "hello 2\n\nResponda PARAR para cancelar a inscrição.",
        phone(3): "hello 3\n\nMit STOPP abbestellen.",
        phone(4): "hello 4\n\nText STOP to opt out.",
        phone(5): "hello 5\n\nText STOP to opt out.",
        phone(6): "hello 6\n\nRépondez ARRÊT pour vous désabonner.",
    }
