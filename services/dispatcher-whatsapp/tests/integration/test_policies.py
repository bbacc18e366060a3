"""The channel's rules, each checked before any call: the 24-hour window (with
templates allowed outside it), opt-out by STOP (and back in by START), the daily
cap and the warm-up (rates: what they hold back today is deferred, see
test_waiting_for_allowance)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest
from contracts.audience import MessageInboundV1
from contracts.base import utc_now
from contracts.dispatch import OutboundTemplate
from dispatcher_whatsapp.settings import Settings
from platform_sim import SimControl
from test_support.dead_letters import (
    assert_dead_lettered_once,
    bad_inbound_values,
    inbound_dead_lettered,
)

from ..conftest import NO_WARMUP, QUICK, TENANT, Harness, harness_for, job, phone, running

pytestmark = pytest.mark.integration

TEMPLATE = OutboundTemplate(template_name="we_miss_you", language="en_US")


async def test_outside_the_window_only_templates_go_out(
    harness: Harness, whatsapp: SimControl
) -> None:
    await harness.connect(**QUICK, **NO_WARMUP)
    campaign = uuid.uuid4()
    await harness.send(
        [
            job(campaign, 1, wrote_hours_ago=30),
            job(campaign, 2, wrote_hours_ago=None),
            job(campaign, 3, TEMPLATE, wrote_hours_ago=30),
        ]
    )
    results = await harness.collect(3)
    for n in (1, 2):
        assert (results[n].status, results[n].error_code) == ("skipped", "policy.reply_window")
    assert "over 24 hours ago" in (results[1].error_reason or "")
    assert "never wrote" in (results[2].error_reason or "")
    assert "only approved templates" in (results[1].error_reason or "")
    assert results[3].status == "sent"
    calls = await whatsapp.calls(account=harness.phone_number_id)
    assert [(c["recipient"], c["method"]) for c in calls] == [(phone(3), "messages:template")]


async def test_a_newer_inbound_message_reopens_the_window(
    harness: Harness, whatsapp: SimControl
) -> None:
    await harness.connect(**QUICK, **NO_WARMUP)
    wrote_again = utc_now() - timedelta(minutes=5)
    await whatsapp.set_recipient(phone(1), "ok", wrote_again.timestamp())
    await harness.person_wrote(1, "hi again", wrote_again)
    campaign = uuid.uuid4()
    # the snapshot was taken before they wrote again
    await harness.send([job(campaign, 1, wrote_hours_ago=30), job(campaign, 2, wrote_hours_ago=30)])
    results = await harness.collect(2)
    assert results[1].status == "sent"
    assert (results[2].status, results[2].error_code) == ("skipped", "policy.reply_window")


async def test_a_stop_reply_opts_the_person_out_of_campaigns_already_running(
    harness: Harness,
    whatsapp: SimControl,
    people_wrote_lately: Callable[[list[int]], Awaitable[None]],
) -> None:
    await people_wrote_lately([1, 2])
    await harness.connect(**QUICK, **NO_WARMUP)
    await harness.person_wrote(1, "  sToP \n", utc_now())
    campaign = uuid.uuid4()
    await harness.send([job(campaign, 1), job(campaign, 1, TEMPLATE, step=2), job(campaign, 2)])
    results = await harness.collect(3)
    for step in (1, 2):
        skipped = harness.latest(1, step=step)
        assert (skipped.status, skipped.error_code) == ("skipped", "policy.opted_out")
        assert "replied STOP" in (skipped.error_reason or "")
    assert results[2].status == "sent"
    calls = await whatsapp.calls(account=harness.phone_number_id)
    assert [c["recipient"] for c in calls] == [phone(2)]


async def test_the_daily_cap_counts_people_and_survives_a_restart(
    settings: Settings,
    rabbitmq_url: str,
    connection_id: str,
    clean_queues: None,
    whatsapp: SimControl,
    people_wrote_lately: Callable[[list[int]], Awaitable[None]],
) -> None:
    await people_wrote_lately(list(range(1, 7)))
    await whatsapp.configure(per_recipient_per_second=None)  # a chain's steps back to back
    campaign = uuid.uuid4()
    async with harness_for(rabbitmq_url, connection_id) as harness:
        async with running(settings) as harness.dispatcher:
            await harness.connect(daily_recipient_cap=3, **QUICK, **NO_WARMUP)
            chain = job(campaign, 1, TEMPLATE, step=2)  # the same person again: counted once
            await harness.send([job(campaign, n) for n in range(1, 6)] + [chain])
            results = await harness.collect(6)
        async with running(settings) as harness.dispatcher:  # restarted: counts are kept
            await harness.connect(daily_recipient_cap=3, **QUICK, **NO_WARMUP)
            await harness.send([job(campaign, 6)])
            after = await harness.collect(7)
    assert [results[n].status for n in range(1, 6)] == ["sent"] * 3 + ["deferred"] * 2
    assert harness.latest(1, step=2).status == "sent"
    capped = results[4]
    assert capped.error_code == "policy.daily_cap"
    assert "at most 3 recipients per number per UTC day" in (capped.error_reason or "")
    assert "3 already messaged today" in (capped.error_reason or "")
    assert "waits for the number's next allowance at" in (capped.error_reason or "")
    tomorrow = (utc_now() + timedelta(days=1)).date()
    assert capped.retry_at == datetime.combine(tomorrow, datetime.min.time(), tzinfo=UTC)
    assert (after[6].status, after[6].error_code) == ("deferred", "policy.daily_cap")
    assert len(await whatsapp.calls(account=harness.phone_number_id)) == 4


async def test_a_new_number_waits_for_the_end_of_its_warm_up(
    harness: Harness,
    whatsapp: SimControl,
    people_wrote_lately: Callable[[list[int]], Awaitable[None]],
) -> None:
    await people_wrote_lately([1])
    first_used = utc_now() - timedelta(days=3)
    await harness.connect(first_used_at=first_used, **QUICK)  # the defaults: 10 days
    await harness.send([job(uuid.uuid4(), 1, TEMPLATE)])
    results = await harness.collect(1)
    assert (results[1].status, results[1].error_code) == ("deferred", "policy.warmup")
    resumes = first_used + timedelta(days=10)
    assert "first 10 days" in (results[1].error_reason or "")
    assert f"next allowance at {resumes:%Y-%m-%d %H:%M} UTC" in (results[1].error_reason or "")
    assert results[1].retry_at == resumes
    assert await whatsapp.calls(account=harness.phone_number_id) == []


async def test_after_the_warm_up_a_number_sends_a_few_more_each_day(
    harness: Harness,
    whatsapp: SimControl,
    people_wrote_lately: Callable[[list[int]], Awaitable[None]],
) -> None:
    await people_wrote_lately(list(range(1, 5)))
    await harness.connect(
        first_used_at=utc_now() - timedelta(days=11),  # the second day after the warm-up
        warmup_days=10,
        warmup_start_per_day=2,
        warmup_daily_increase=1,
        **QUICK,
    )
    campaign = uuid.uuid4()
    await harness.send([job(campaign, n) for n in range(1, 5)])
    results = await harness.collect(4)
    assert [results[n].status for n in range(1, 5)] == ["sent"] * 3 + ["deferred"]
    assert results[4].error_code == "policy.warmup"
    assert "3 recipients a day on day 2" in (results[4].error_reason or "")
    assert len(await whatsapp.calls(account=harness.phone_number_id)) == 3


async def test_stop_in_the_persons_language_opts_out_and_start_opts_back_in(
    harness: Harness,
    whatsapp: SimControl,
    people_wrote_lately: Callable[[list[int]], Awaitable[None]],
) -> None:
    await people_wrote_lately([1, 2])
    await harness.connect(**QUICK, **NO_WARMUP)
    stopped = utc_now() - timedelta(minutes=2)
    await harness.person_wrote(1, "СТОП.", stopped)
    await harness.person_wrote(2, "please don't stop sending", stopped)
    first = uuid.uuid4()
    await harness.send([job(first, 1), job(first, 2)])
    results = await harness.collect(2)
    assert (results[1].status, results[1].error_code) == ("skipped", "policy.opted_out")
    assert results[2].status == "sent"

    await harness.person_wrote(1, " Start! ", stopped + timedelta(minutes=1))
    again = uuid.uuid4()
    await harness.send([job(again, 1)])
    await harness.collect(3)
    assert harness.results[(again, 1, 1)][-1].status == "sent"
    calls = await whatsapp.calls(account=harness.phone_number_id)
    assert [c["recipient"] for c in calls] == [phone(2), phone(1)]


async def test_the_latest_stop_or_start_wins_whatever_order_they_arrive_in(
    harness: Harness,
) -> None:
    await harness.connect(**QUICK, **NO_WARMUP)
    inbound = harness.app.state.inbound
    config = harness.app.state.dispatcher.senders[(TENANT, harness.connection_id)].config
    t0 = utc_now() - timedelta(hours=1)

    def reply(text: str, minutes: int) -> MessageInboundV1:
        return MessageInboundV1(
            tenant_id=TENANT,
            connection_id=harness.connection_id,
            external_id=phone(1),
            text=text,
            received_at=t0 + timedelta(minutes=minutes),
        )

    async def opted_out_at() -> datetime | None:
        contact = await inbound.contact(config, phone(1))
        assert contact is not None
        return contact.opted_out_at

    await inbound.record(reply("Arrêt", 20))
    await inbound.record(reply("start", 10))  # received before the STOP: changes nothing
    await inbound.record(reply("hello", 30))  # not a command
    assert await opted_out_at() == t0 + timedelta(minutes=20)
    await inbound.record(reply("Arrêt", 20))  # redelivered
    await inbound.record(reply("старт", 40))
    assert await opted_out_at() is None
    await inbound.record(reply("basta", 35))  # a STOP that arrives late
    await inbound.record(reply("старт", 40))  # redelivered
    assert await opted_out_at() is None
    await inbound.record(reply("STOPP", 40))  # a STOP at the same moment as a START wins
    assert await opted_out_at() == t0 + timedelta(minutes=40)
    await inbound.record(reply("start", 40))
    assert await opted_out_at() == t0 + timedelta(minutes=40)


@pytest.mark.parametrize(("external_id", "received_at", "why"), bad_inbound_values(phone(1)))
async def test_an_inbound_message_with_a_bad_value_is_dead_lettered_once_with_the_reason(
    harness: Harness, external_id: str, received_at: str, why: str
) -> None:
    await harness.connect(**QUICK, **NO_WARMUP)
    dead = await inbound_dead_lettered(
        harness.channel, "whatsapp", TENANT, harness.connection_id, external_id, received_at
    )
    assert_dead_lettered_once(dead, why)
    await harness.person_wrote(2, "hello", utc_now() - timedelta(minutes=1))
