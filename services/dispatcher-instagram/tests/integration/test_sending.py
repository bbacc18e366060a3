"""What reaches the Messaging API for texts and attachments."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from contracts.dispatch import OutboundMedia, OutboundText
from platform_sim import SimControl
from test_support.waiting import eventually

from ..conftest import Harness, igsid, job

pytestmark = pytest.mark.integration


async def test_texts_and_attachments_go_out_in_the_messaging_apis_shape(
    harness: Harness,
    instagram: SimControl,
    people_wrote_lately: Callable[[list[int]], Awaitable[None]],
) -> None:
    await people_wrote_lately([1, 2, 3, 4])
    await harness.connect()
    campaign = uuid.uuid4()
    await harness.send(
        [
            job(campaign, 1, OutboundText(text="Hello Ann")),
            job(
                campaign,
                2,
                OutboundMedia(media_type="photo", file="https://cdn.example/a.jpg", caption="Look"),
            ),
            job(campaign, 3, OutboundMedia(media_type="voice", file="att-77")),
            job(
                campaign, 4, OutboundMedia(media_type="document", file="https://cdn.example/p.pdf")
            ),
        ]
    )
    results = await harness.collect(4)
    assert {n: r.status for n, r in results.items()} == dict.fromkeys(range(1, 5), "sent")
    assert all(r.platform_message_id for r in results.values())
    calls = await instagram.calls(account=harness.ig_id)
    sent: dict[str, list[dict[str, Any]]] = {}  # several calls are in flight at once
    for call in calls:
        assert call["params"]["recipient"] == {"id": call["recipient"]}
        sent.setdefault(call["recipient"], []).append(call["params"]["message"])
    image = {"type": "image", "payload": {"url": "https://cdn.example/a.jpg"}}
    assert sent == {
        igsid(1): [{"text": "Hello Ann"}],
        igsid(2): [{"attachment": image}, {"text": "Look"}],  # the caption follows
        igsid(3): [{"attachment": {"type": "audio", "payload": {"attachment_id": "att-77"}}}],
        igsid(4): [
            {"attachment": {"type": "file", "payload": {"url": "https://cdn.example/p.pdf"}}}
        ],
    }
    first_of_2 = next(c for c in calls if c["recipient"] == igsid(2))
    assert results[2].platform_message_id == first_of_2["response"]["message_id"]


async def test_texts_of_a_thousand_characters_are_refused_without_a_call(
    harness: Harness,
    instagram: SimControl,
    people_wrote_lately: Callable[[list[int]], Awaitable[None]],
) -> None:
    await people_wrote_lately([1, 2])
    await harness.connect()
    campaign = uuid.uuid4()
    await harness.send(
        [
            job(campaign, 1, OutboundText(text="x" * 999)),
            job(campaign, 2, OutboundText(text="x" * 1000)),
        ]
    )
    results = await harness.collect(2)
    assert results[1].status == "sent"
    assert (results[2].status, results[2].error_code) == ("failed", "message.too_long")
    assert [c["recipient"] for c in await instagram.calls(account=harness.ig_id)] == [igsid(1)]


async def test_a_caption_is_paced_and_its_refusal_recorded(
    harness: Harness,
    instagram: SimControl,
    people_wrote_lately: Callable[[list[int]], Awaitable[None]],
) -> None:
    await people_wrote_lately([1])
    await harness.connect()  # 1 s between two messages to one person
    campaign = uuid.uuid4()
    photo = OutboundMedia(media_type="photo", file="https://cdn.example/a.jpg", caption="Look")
    await harness.send([job(campaign, 1, photo)])

    async def attachment_sent() -> bool:
        return len(await instagram.calls(account=harness.ig_id)) == 1

    await eventually(attachment_sent, what="the attachment to be sent")
    await instagram.set_recipient(igsid(1), "unavailable")  # before its caption goes
    results = await harness.collect(1)
    calls = await instagram.calls(account=harness.ig_id)
    assert [c["status"] for c in calls] == [200, 400]
    assert calls[1]["params"]["message"] == {"text": "Look"}
    assert calls[1]["at"] - calls[0]["at"] >= 1.0  # paced like a message of its own
    delivered = results[1]
    assert delivered.status == "sent"  # the person has the photo: it is never sent again
    assert delivered.platform_message_id == calls[0]["response"]["message_id"]
    assert delivered.error_code == "partial.551/1545041"
    assert "the rest was not" in (delivered.error_reason or "")


async def test_a_caption_refused_for_the_rate_is_sent_again_alone(
    harness: Harness,
    instagram: SimControl,
    people_wrote_lately: Callable[[list[int]], Awaitable[None]],
) -> None:
    await people_wrote_lately([1])
    await harness.connect(per_recipient_interval_seconds=0.5)
    campaign = uuid.uuid4()
    photo = OutboundMedia(media_type="photo", file="https://cdn.example/a.jpg", caption="Look")
    await harness.send([job(campaign, 1, photo)])

    async def attachment_sent() -> bool:
        return len(await instagram.calls(account=harness.ig_id)) == 1

    await eventually(attachment_sent, what="the attachment to be sent")
    await instagram.add_fault(kind="retry_after", account=harness.ig_id)
    results = await harness.collect(1)
    calls = await instagram.calls(account=harness.ig_id)
    assert [(c["status"], list(c["params"]["message"])) for c in calls] == [
        (200, ["attachment"]),
        (429, ["text"]),
        (200, ["text"]),
    ]
    assert (results[1].status, results[1].error_code) == ("sent", None)
