"""What a number's state does to its messages: a spam restriction stops a retry
that was waiting, and holds until the credentials change (not on any update of
the connection, nor on a successful check of the credentials); the 15 s gap
holds across a handover to another process; a long batch is acknowledged as
soon as it is stored, not after it was sent."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Awaitable, Callable

import aio_pika
import pytest
from contracts.base import utc_now
from contracts.names import INTERNAL_EXCHANGE, RoutingKey, dispatch_queue, queue_label
from contracts.tenants import ConnectionCheckedV1, ConnectionStateV1, credentials_digest
from dispatcher_whatsapp.settings import Settings
from platform_sim import SimControl
from service_kit.publishing import encode
from test_support.waiting import eventually

from ..conftest import NO_WARMUP, QUICK, TENANT, TOKEN, Harness, harness_for, job, phone, running

pytestmark = pytest.mark.integration


async def test_a_restriction_stops_a_retry_that_was_waiting(
    harness: Harness,
    whatsapp: SimControl,
    people_wrote_lately: Callable[[list[int]], Awaitable[None]],
) -> None:
    await people_wrote_lately([1, 2])
    account = harness.phone_number_id
    # 1 fails for a moment (a retry in 1 s); meanwhile 2 finds the number restricted
    await whatsapp.add_fault(kind="server_error", account=account, recipient=phone(1))
    await whatsapp.add_fault(
        kind="error", account=account, recipient=phone(2), status=429, code=131048
    )
    await harness.connect(max_in_flight=2, **QUICK, **NO_WARMUP)
    campaign = uuid.uuid4()
    await harness.send([job(campaign, 1), job(campaign, 2)])
    results = await harness.collect(2)
    assert (results[2].status, results[2].error_code) == ("failed", "131048")
    assert (results[1].status, results[1].error_code) == ("failed", "connection.paused")
    assert results[1].attempts == 1
    calls = await whatsapp.calls(account=account)
    assert sorted(c["recipient"] for c in calls) == [phone(1), phone(2)]  # no retry went


async def test_a_restriction_holds_until_the_credentials_change(
    harness: Harness,
    whatsapp: SimControl,
    people_wrote_lately: Callable[[list[int]], Awaitable[None]],
) -> None:
    await people_wrote_lately([1, 2, 3, 4])
    states = await harness.channel.declare_queue("", exclusive=True)
    await states.bind(INTERNAL_EXCHANGE, RoutingKey.CONNECTION_STATE)
    await whatsapp.set_account(harness.phone_number_id, "spam_restricted")
    await harness.connect(**QUICK, **NO_WARMUP)
    campaign = uuid.uuid4()
    await harness.send([job(campaign, 1)])
    first = (await harness.collect(1))[1]
    assert first.error_code == "131048"
    paused = await announced(states)  # campaign-api hears of the pause
    assert (paused.connection_id, paused.paused, paused.code) == (
        harness.connection_id,
        True,
        "131048",
    )
    assert paused.paused_until is not None
    assert paused.paused_until > utc_now()

    # the same connection saved again, other limits: still restricted, no call
    await harness.connect(daily_recipient_cap=150, **QUICK, **NO_WARMUP)
    await harness.served_with(daily_recipient_cap=150)
    await harness.send([job(campaign, 2)])
    second = (await harness.collect(2))[2]
    assert (second.status, second.error_code) == ("failed", "connection.paused")
    assert "restricted for spam" in (second.error_reason or "")
    assert len(await whatsapp.calls(account=harness.phone_number_id)) == 1

    # a successful check of the credentials does not lift it either: the platform
    # restricted the number, it did not refuse the token
    await harness.publish(RoutingKey.CONNECTION_CHECKED, checked(harness), INTERNAL_EXCHANGE)
    registry = harness.app.state.runtime.registry
    labels = {"queue": "dispatcher-whatsapp.connection-checks", "outcome": "handled"}

    async def handled() -> bool:
        return registry.get_sample_value("consumer_messages_total", labels) == 1

    await eventually(handled, what="the check handled")
    await harness.send([job(campaign, 4)])
    fourth = (await harness.collect(3))[4]
    assert (fourth.status, fourth.error_code) == ("failed", "connection.paused")

    # new credentials lift it
    await whatsapp.set_account(harness.phone_number_id, "ok")
    await harness.connect(access_token=f"{TOKEN}-renewed", **QUICK, **NO_WARMUP)
    await harness.served_with(access_token=f"{TOKEN}-renewed")
    await harness.send([job(campaign, 3)])
    third = (await harness.collect(4))[3]
    assert third.status == "sent"
    lifted = await announced(states)  # and of its end
    assert (lifted.connection_id, lifted.paused) == (harness.connection_id, False)
    assert lifted.changed_at > paused.changed_at


async def announced(states: aio_pika.abc.AbstractQueue) -> ConnectionStateV1:
    """The next connection.state.v1 the dispatcher published."""
    found: list[ConnectionStateV1] = []

    async def arrived() -> bool:
        message = await states.get(fail=False)
        if message is not None:
            await message.ack()
            found.append(ConnectionStateV1.model_validate_json(message.body))
        return bool(found)

    await eventually(arrived, timeout=20, what="the connection's state announced")
    return found[0]


def checked(harness: Harness) -> bytes:
    credentials = {"phone_number_id": harness.phone_number_id, "access_token": TOKEN}
    event = ConnectionCheckedV1(
        tenant_id=TENANT,
        connection_id=harness.connection_id,
        channel="whatsapp",
        credentials_digest=credentials_digest(credentials),
        checked_at=utc_now(),
    )
    return encode(event)


async def test_the_gap_holds_across_a_handover(
    settings: Settings,
    rabbitmq_url: str,
    connection_id: str,
    clean_queues: None,
    whatsapp: SimControl,
    people_wrote_lately: Callable[[list[int]], Awaitable[None]],
) -> None:
    await people_wrote_lately([1, 2, 3])
    campaign = uuid.uuid4()
    async with harness_for(rabbitmq_url, connection_id) as harness:
        async with running(settings) as harness.dispatcher:
            await harness.connect(min_gap_seconds=3, per_recipient_interval_seconds=0, **NO_WARMUP)
            await harness.send([job(campaign, n) for n in (1, 2, 3)])
            await harness.collect(1)
        # the process stopped 3 s gaps into its campaign; the next one carries on
        async with running(settings) as harness.dispatcher:
            await harness.collect(3)
    at = [c["at"] for c in await whatsapp.calls(account=harness.phone_number_id)]
    assert len(at) == 3
    assert min(b - a for a, b in itertools.pairwise(at)) >= 3.0


async def test_a_long_batch_is_acknowledged_once_stored(
    settings: Settings,
    rabbitmq_url: str,
    connection_id: str,
    clean_queues: None,
    whatsapp: SimControl,
    people_wrote_lately: Callable[[list[int]], Awaitable[None]],
) -> None:
    # four messages 1 s apart: acknowledged long before they are sent, so however
    # long a batch takes, RabbitMQ's consumer timeout never redelivers it
    await people_wrote_lately([1, 2, 3, 4])
    campaign = uuid.uuid4()
    queue = dispatch_queue("whatsapp", TENANT, connection_id)
    async with harness_for(rabbitmq_url, connection_id) as harness:
        async with running(settings) as harness.dispatcher:
            await harness.connect(min_gap_seconds=1, per_recipient_interval_seconds=0, **NO_WARMUP)
            await harness.send([job(campaign, n) for n in (1, 2, 3, 4)])
            await harness.collect(1)
            registry = harness.app.state.runtime.registry
            handled = {"queue": queue_label(queue), "outcome": "handled"}
            assert registry.get_sample_value("consumer_messages_total", handled) == 1
            assert len(await whatsapp.calls(account=harness.phone_number_id)) < 4
        # stopped mid-batch: nothing goes back to the queue (it was acknowledged) ...
        declared = await harness.channel.declare_queue(queue, passive=True)
        assert declared.declaration_result.message_count == 0
        # ... and the next process sends the rest from the table, once each
        async with running(settings) as harness.dispatcher:
            results = await harness.collect(4)
    assert {n: r.status for n, r in results.items()} == dict.fromkeys(range(1, 5), "sent")
    calls = await whatsapp.calls(account=harness.phone_number_id)
    assert sorted(c["recipient"] for c in calls) == [phone(n) for n in (1, 2, 3, 4)]
