"""The operator bot in a simulated Telegram group with topics, as the reference's
admins and operators use it: `/send` replying to a message in General sends it (or
builds a template chain), without a reply it manages templates and sendings, in a
customer's topic an operator sends a template; the bot answers in the topic, posts
when a sending starts and ends, and the CSV report; an update handled twice starts
one sending."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import asyncpg
import pytest
from test_support.waiting import eventually

from .conftest import World
from .operator_group import ADMIN, CUSTOMER_BOT, OPERATOR, Group, operator_group

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]
CUSTOMER_BOT_ID = CUSTOMER_BOT.split(":")[0]


async def sent_to_customers(group: Group, method: str) -> list[dict[str, Any]]:
    calls = await group.telegram.calls(method=method, account=CUSTOMER_BOT_ID)
    return [c for c in calls if c["status"] == 200 and c["recipient"] in group.customers]


async def test_all_replying_to_a_photo_sends_that_photo_and_reports_in_its_topic(
    world: World,
) -> None:
    group = await operator_group(world)
    photo = await group.say(ADMIN, media="photo", caption="Autumn sale!")
    command = await group.say(ADMIN, "/send all", reply_to=photo["message_id"])
    answer = await group.answer_text(command)
    assert "sid" in answer, answer

    async def all_sent() -> list[dict[str, Any]] | None:
        found = await sent_to_customers(group, "sendPhoto")
        return found if len(found) == len(group.customers) else None

    sent = await eventually(all_sent, timeout=60, interval=0.5, what="the photo to everyone")
    file_id = photo["photo"][-1]["file_id"]
    assert {c["params"]["photo"] for c in sent} == {file_id}
    assert {c["params"]["caption"] for c in sent} == {"Autumn sale!"}
    replies = await group.answers_to(command, count=4)  # answer, started, ended, report
    texts = [str(c["params"].get("text", "")) for c in replies]
    assert any("started" in t for t in texts), texts
    assert any("is complete" in t and f"Delivered {len(group.customers)}" in t for t in texts)
    (document,) = [c for c in replies if c["method"] == "sendDocument"]
    uploaded = await group.telegram.uploaded_file(
        document["response"]["result"]["document"]["file_id"]
    )
    rows = list(csv.DictReader(io.StringIO(uploaded.data.decode())))
    assert sorted(r["recipient"] for r in rows) == sorted(group.customers)


async def build_chain(group: Group, name: str) -> None:
    """The reference's example: three replies make a template of three steps."""
    hello = await group.say(ADMIN, "Hello! Thank you for your interest in our services.")
    await group.answer_text(await group.say(ADMIN, f"/send {name}", reply_to=hello["message_id"]))
    hour = await group.say(ADMIN, "Within an hour we will send you the details.")
    await group.answer_text(await group.say(ADMIN, f"/send {name} 5m", reply_to=hour["message_id"]))
    pdf = await group.say(
        ADMIN, media="document", caption="Our catalogue", file_name="catalogue.pdf",
        mime_type="application/pdf",
    )  # fmt: skip
    await group.answer_text(await group.say(ADMIN, f"/send {name} 1h", reply_to=pdf["message_id"]))


async def test_replies_build_the_references_onboarding_chain(world: World) -> None:
    group = await operator_group(world)
    await build_chain(group, "onboarding")
    template = await group.api("GET", "/v1/templates/onboarding")
    steps = template["steps"]
    assert [s["delay_seconds"] for s in steps] == [0, 300, 3600]
    assert steps[0]["content"] == {
        "kind": "text",
        "text": "Hello! Thank you for your interest in our services.",
    }
    assert steps[2]["content"]["media_type"] == "document"
    assert steps[2]["content"]["caption"] == "Our catalogue"
    shown = await group.answer_text(await group.say(ADMIN, "/send onboarding"))
    assert "onboarding" in shown


async def test_an_operator_sends_a_template_in_a_customers_topic_but_no_mass_sending(
    world: World,
) -> None:
    group = await operator_group(world)
    await build_chain(group, "welcome")
    sent = await group.say(OPERATOR, "/send welcome", thread=group.topic)
    assert "sid" in await group.answer_text(sent)

    async def to_the_customer() -> bool:
        found = await sent_to_customers(group, "sendMessage")
        return [c["recipient"] for c in found] == [group.customers[0]]

    await eventually(to_the_customer, timeout=60, interval=0.5, what="the template's first step")
    listed = await group.say(OPERATOR, "/send templates", thread=group.topic)
    assert "welcome" in await group.answer_text(listed)
    mine = await group.say(OPERATOR, "/send sendings", thread=group.topic)
    assert "sid" in await group.answer_text(mine)
    offer = await group.say(OPERATOR, "Buy now!")
    refused = await group.say(OPERATOR, "/send all", reply_to=offer["message_id"])
    assert "/send TEMPLATE" in await group.answer_text(refused)  # and what to type instead
    nowhere = await group.say(ADMIN, "/send welcome", thread=group.topic + 500)
    assert "not bound" in await group.answer_text(nowhere)
    campaigns = await group.api("GET", "/v1/campaigns")
    assert len(campaigns["items"]) == 1


async def test_an_update_handled_again_after_a_restart_starts_one_sending(world: World) -> None:
    group = await operator_group(world, customers=2)
    note = await group.say(ADMIN, "Flash sale today")
    command = await group.say(ADMIN, "/send all", reply_to=note["message_id"])
    answer = await group.answer_text(command)
    # as if the bot died after carrying it out and before marking it handled
    connection = await asyncpg.connect(world.database_url)
    try:
        changed = await connection.execute(
            "UPDATE operator_bot.updates SET handled_at = NULL WHERE update_id = $1",
            group.update_ids[command["message_id"]],
        )
    finally:
        await connection.close()
    assert changed == "UPDATE 1"
    await world.system.restart("operator-bot")

    async def answered_again() -> list[str] | None:
        replies = await group.answers_to(command)
        texts = [str(c["params"].get("text")) for c in replies if c["method"] == "sendMessage"]
        answers = [t for t in texts if not t.startswith("Sending sid")]  # not the notices
        return answers if len(answers) == 2 else None

    again = await eventually(answered_again, timeout=60, interval=0.5, what="a second answer")
    assert again[0] == answer
    assert "sid" in again[1], again
    campaigns = await group.api("GET", "/v1/campaigns")
    assert len(campaigns["items"]) == 1


def sid_in(answer: str) -> str:
    found = re.search(r"sid(\d+)", answer)
    assert found, answer
    return found.group(0)


async def test_every_form_of_the_reference_in_its_place(world: World) -> None:
    """The reference's forms, typed where it says: General replying to a message,
    General without a reply, a customer's topic."""
    group = await operator_group(world)
    await group.api(
        "POST",
        "/v1/contacts/import",
        content=f"connection_id,external_id,name\n{group.connection},{ADMIN['id']},Alla\n",
        headers={"Content-Type": "text/csv"},
    )
    await build_chain(group, "onboarding")
    first, second = group.customers[:2]

    async def ask(text: str, expected: str, **where: Any) -> str:
        answer = await group.answer_text(await group.say(ADMIN, text, **where))
        assert expected in answer, (text, answer)
        return answer

    note = await group.say(ADMIN, "Dear customers! A new offer is on our site.")
    replying = {"reply_to": note["message_id"]}
    await ask("/send test", "sid", **replying)
    await ask(f"/send list {first},{second}", "sid", **replying)
    await ask("/send mark vip", "sid", **replying)
    ids = await group.say(
        ADMIN, media="document", caption="/send file", file_name="ids.txt",
        mime_type="text/plain", data=f"{first}\n{second}", reply_to=note["message_id"],
    )  # fmt: skip
    assert "sid" in await group.answer_text(ids)
    await ask("/send templates", "onboarding")
    await ask("/send sendings", "sid")
    await ask("/send onboarding", "onboarding")
    await ask("/send test onboarding", "sid")
    await ask(f"/send list onboarding {first},{second}", "sid")
    await ask("/send mark vip template onboarding", "sid")
    later = sid_in(await ask("/send all onboarding 2h", "sid"))
    await ask(f"/send {later}", later)
    await ask(f"/send {later} del", later)
    await ask("/send onboarding for 2 10m", "onboarding")
    await ask("/send onboarding name welcome", "welcome")
    await ask("/send welcome del 3", "welcome")
    in_topic = {"thread": group.topic}
    sent = sid_in(await ask("/send welcome", "sid", **in_topic))
    await ask("/send templates", "welcome", **in_topic)
    await ask("/send sendings", sent, **in_topic)
    await ask(f"/send {sent}", sent, **in_topic)
    await ask("/send welcome del", "welcome")


async def test_the_bot_answers_in_the_groups_language(world: World) -> None:
    group = await operator_group(world, customers=1, language="de")
    answer = await group.answer_text(await group.say(ADMIN, "/send templates"))
    assert answer.startswith("Noch keine Vorlagen"), answer
    unbound = await group.say(ADMIN, "/send templates", thread=group.topic + 500)
    assert "Kundendialog" in await group.answer_text(unbound)
