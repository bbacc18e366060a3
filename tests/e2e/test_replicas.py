"""Two of each stateful worker on one campaign per channel: a second scheduler
and a second dispatcher for Telegram, WhatsApp and Instagram run beside the
system's own, and one request sends a campaign on a bot, a WhatsApp number and
an Instagram account at once; every recipient gets exactly one message and
every campaign completes with every delivery reported; the pairs' counters,
summed over both processes, show each delivery released once and each message
sent once, whichever replica took which part."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from test_support.api_client import CampaignApi
from test_support.processes import ServiceProcess
from test_support.system import SERVICES, free_port
from test_support.waiting import eventually

from .conftest import World

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

STATEFUL = ("scheduler", "dispatcher-telegram", "dispatcher-whatsapp", "dispatcher-instagram")
PEOPLE = 150
"""Recipients on each connection."""
SEND_METHODS = {"telegram": "sendMessage", "whatsapp": "messages:text", "instagram": "messages"}


@pytest.fixture
async def second_replicas(world: World) -> AsyncIterator[list[ServiceProcess]]:
    """Another process of each stateful worker, configured as the system's own."""
    ports = {spec.name: spec.port_setting for spec in SERVICES}
    replicas = []
    for name in STATEFUL:
        first = world.system[name]
        port = free_port()
        replicas.append(
            ServiceProcess(
                f"{name}-2",
                first.module,
                port,
                env={**first.env, ports[name]: str(port)},
                log_dir=world.log_dir,
            )
        )
    try:
        for replica in replicas:
            replica.start()
        for replica in replicas:
            await replica.wait_healthy()
        yield replicas
    finally:
        for replica in replicas:
            replica.stop()


def connections(tag: str) -> dict[str, dict[str, Any]]:
    """A bot and an Instagram account at 100/s, a WhatsApp number at 50/s, none warming up."""
    number = f"17841{int(tag, 16):09d}"
    return {
        f"tg-{tag}": {
            "channel": "telegram_bot",
            "credentials": {"token": f"{number[:9]}:AAreplicas-test-bot-token-000000000"},
            "limits": {"rate_per_second": 100, "max_in_flight": 8},
        },
        f"wa-{tag}": {
            "channel": "whatsapp",
            "credentials": {"access_token": f"EAAwa{tag}", "phone_number_id": number},
            "limits": {
                "rate_per_second": 50,
                "max_in_flight": 8,
                "min_gap_seconds": 0,
                "warmup_days": 0,
                "warmup_start_per_day": 1_000_000,
                "daily_recipient_cap": 1_000_000,
            },
        },
        f"ig-{tag}": {
            "channel": "instagram",
            "credentials": {"access_token": f"EAAig{tag}", "ig_id": number},
            "limits": {"rate_per_second": 100, "max_in_flight": 8},
        },
    }


async def counted(process: ServiceProcess, name: str, **labels: str) -> float:
    """A counter's sample in the process's /metrics (0 when it has none)."""
    async with httpx.AsyncClient(timeout=10) as client:
        text = (await client.get(f"{process.base_url}/metrics/")).text
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items())
    )


async def work(second_replicas: list[ServiceProcess], world: World) -> Counter[str]:
    """What each pair did so far, over both of its processes (the counters are
    per process): deliveries the schedulers released, messages each channel's
    dispatchers sent."""
    done: Counter[str] = Counter()
    for replica in second_replicas:
        name = replica.name.removesuffix("-2")
        for process in (world.system[name], replica):
            if name == "scheduler":
                done[name] += int(await counted(process, "scheduler_deliveries_released_total"))
            else:
                sent = await counted(process, "dispatch_platform_calls_total", result="sent")
                done[name.removeprefix("dispatcher-")] += int(sent)
    return done


def people(first: int) -> list[str]:
    return [str(first + n) for n in range(PEOPLE)]


async def add_people(world: World, api: CampaignApi, connection_id: str, first: int) -> None:
    """PEOPLE contacts on the connection who wrote ten minutes ago (so WhatsApp's
    and Instagram's 24-hour window is open), told to the simulator as well."""
    wrote = datetime.now(UTC) - timedelta(minutes=10)
    rows = ["external_id,name,labels,last_inbound_at"]
    rows += [f"{p},Person {p},replicas,{wrote.isoformat()}" for p in people(first)]
    imported = await api.call(
        "POST",
        f"/v1/contacts/import?connection_id={connection_id}",
        content="\n".join(rows) + "\n",
        headers={"Content-Type": "text/csv"},
    )
    assert imported["accepted"] == PEOPLE, imported
    platform = connection_id.split("-")[0]
    if platform != "tg":
        channel = {"wa": "whatsapp", "ig": "instagram"}[platform]
        await world.sims.control(channel).set_recipients(
            people(first), last_inbound_at=wrote.timestamp()
        )


async def test_two_of_each_stateful_worker_send_every_message_once(
    world: World, second_replicas: list[ServiceProcess]
) -> None:
    tag = uuid.uuid4().hex[:6]
    async with CampaignApi(world.system.api_url, world.system.platform_key) as platform:
        key = await platform.create_tenant(
            f"replicas-{tag}", subscription_ends_at="2099-01-01T00:00:00Z"
        )
    firsts = {}  # the first recipient's id, by simulator
    async with CampaignApi(world.system.api_url, key) as api:
        for n, (connection_id, connection) in enumerate(connections(tag).items()):
            await api.call("PUT", f"/v1/connections/{connection_id}", json=connection)
            first = firsts[connection["channel"].removesuffix("_bot")] = 810_000_000 + n * 1_000
            await add_people(world, api, connection_id, first)
        audience = {"kind": "filter", "labels_any": ["replicas"]}
        await api.until_estimated(audience, 3 * PEOPLE)
        before = await work(second_replicas, world)
        created = await api.call(
            "POST",
            "/v1/campaigns",
            json={"audience": audience, "content": {"kind": "text", "text": "Hi {name}"}},
        )
        assert len(created["campaign_ids"]) == 3

        async def completed() -> list[dict[str, Any]] | None:
            found = [await api.campaign(str(i)) for i in created["campaign_ids"]]
            return found if all(c["status"] == "completed" for c in found) else None

        campaigns = await eventually(completed, timeout=90, interval=0.5, what="completion")

    for campaign in campaigns:
        progress = campaign["progress"]
        assert (progress["audience_size"], progress["sent"], progress["remaining"]) == (
            PEOPLE,
            PEOPLE,
            0,
        ), progress
    for channel, first in firsts.items():
        ours = set(people(first))
        calls = await world.sims.control(channel).calls(method=SEND_METHODS[channel])
        per_person = Counter(str(c["recipient"]) for c in calls if str(c["recipient"]) in ours)
        assert set(per_person) == ours, f"{channel}: not everyone got a message"
        assert set(per_person.values()) == {1}, f"{channel}: someone got two"
    for replica in second_replicas:
        assert replica.process is not None
        assert replica.process.poll() is None, f"{replica.name} exited:\n{replica.tail()}"
    assert await work(second_replicas, world) - before == Counter(
        {"scheduler": 3 * PEOPLE, **dict.fromkeys(firsts, PEOPLE)}
    ), "the pairs released or sent something twice"
