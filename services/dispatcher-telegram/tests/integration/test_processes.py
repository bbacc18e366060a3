"""dispatcher-telegram as separate processes on one bot connection, on the real
broker and database, sending to the Telegram simulator (in this process, with
its own rate limit off, so a send over the bot's rate would show instead of
being refused): two replicas keep the bot within its rate, also while one of
them hands the connection over; a replica killed with SIGKILL mid-campaign
and restarted leaves every recipient with exactly one message or one 'unknown'."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from pathlib import Path

import aio_pika
import httpx
import pytest
from contracts.audience import Recipient
from contracts.base import utc_now
from contracts.dispatch import (
    DeliveryResult,
    DispatchJob,
    DispatchRequestedV1,
    OutboundText,
)
from contracts.names import dispatch_queue
from contracts.tenants import ConnectionUpdatedV1
from platform_sim.client import RunningSimulators, start_simulators
from test_support import dispatching
from test_support.infrastructure import delete_queues
from test_support.processes import ServiceProcess
from test_support.rates import busiest_window, closest_to_one_recipient, mean_rate
from test_support.secrets import sealed
from test_support.system import free_port
from test_support.waiting import eventually

pytestmark = pytest.mark.integration

TENANT = "t1"
TOKEN = "555000222:AAreplica-test-token-00000000000000"
BOT = TOKEN.split(":")[0]
LEASE_SECONDS = 3.0
Key = tuple[uuid.UUID, int, int]


@pytest.fixture
async def sims() -> AsyncIterator[RunningSimulators]:
    async with await start_simulators(
        telegram=0,
        whatsapp=None,
        instagram=None,
        openai=None,
        platform_config={"telegram": {"rate_per_second": None, "per_recipient_per_second": None}},
    ) as running:
        yield running


@pytest.fixture
async def connection_id(rabbitmq_url: str) -> AsyncIterator[str]:
    connection_id = f"bot-{uuid.uuid4().hex[:8]}"
    yield connection_id
    await delete_queues(rabbitmq_url, [dispatch_queue("telegram", TENANT, connection_id)])


class Replicas:
    """Dispatcher processes, and a harness that publishes like the scheduler and
    reads outcomes like the campaign-api."""

    def __init__(
        self,
        env: dict[str, str],
        log_dir: Path,
        channel: aio_pika.abc.AbstractChannel,
        reports: aio_pika.abc.AbstractQueue,
        connection_id: str,
    ) -> None:
        self.env = env
        self.log_dir = log_dir
        self.channel = channel
        self.reports = reports
        self.connection_id = connection_id
        self.processes: list[ServiceProcess] = []
        self.reported: defaultdict[Key, list[DeliveryResult]] = defaultdict(list)

    async def start(self, count: int = 1) -> list[ServiceProcess]:
        started = []
        for _ in range(count):
            port = free_port()
            process = ServiceProcess(
                f"dispatcher-telegram-{len(self.processes) + 1}",
                "dispatcher_telegram",
                port,
                env={**self.env, "DISPATCHER_TELEGRAM_PORT": str(port)},
                log_dir=self.log_dir,
            )
            process.start()
            self.processes.append(process)
            started.append(process)
        for process in started:
            await process.wait_healthy()
        return started

    async def connect(self) -> None:
        event = ConnectionUpdatedV1(
            tenant_id=TENANT,
            connection_id=self.connection_id,
            channel="telegram_bot",
            sealed_credentials=sealed({"token": TOKEN}),
            updated_at=utc_now(),
        )
        await dispatching.connection_updated(self.channel, event)

    async def send(self, jobs: list[DispatchJob]) -> None:
        request = DispatchRequestedV1(
            tenant_id=TENANT, connection_id=self.connection_id, channel="telegram_bot", jobs=jobs
        )
        await dispatching.dispatch_requested(self.channel, request)

    async def sending(self, process: ServiceProcess) -> bool:
        """Whether `process` holds the connection's lease (sends for it)."""
        return await metric(process, "dispatch_connections_sending") == 1

    async def holder(self) -> ServiceProcess:
        async def found() -> ServiceProcess | None:
            for process in self.processes:
                alive = process.process is not None and process.process.poll() is None
                if alive and await self.sending(process):
                    return process
            return None

        return await eventually(found, timeout=30, what="a replica sending for the bot")

    async def collect(self, expected: int, timeout: float = 60) -> dict[Key, DeliveryResult]:
        async def enough() -> bool:
            for result in await dispatching.reported(self.reports):
                key = (result.campaign_id, result.recipient_no, result.step_no)
                self.reported[key].append(result)
            return len(self.reported) >= expected

        await eventually(enough, timeout=timeout, interval=0.2, what=f"{expected} outcomes")
        return {key: found[-1] for key, found in self.reported.items()}


async def metric(process: ServiceProcess, name: str) -> float | None:
    async with httpx.AsyncClient(timeout=5) as client:
        text = (await client.get(f"{process.base_url}/metrics/")).text
    found = re.search(rf"^{name} ([0-9.e+-]+)$", text, re.MULTILINE)
    return None if found is None else float(found.group(1))


@pytest.fixture
async def replicas(
    sims: RunningSimulators,
    rabbitmq_url: str,
    database_url: str,
    connection_id: str,
    clean_queues: None,
    tmp_path: Path,
) -> AsyncIterator[Replicas]:
    env = {
        "RABBITMQ_URL": rabbitmq_url,
        "DATABASE_URL": database_url,
        "TELEGRAM_API_BASE": sims.base_url("telegram"),
        "DISPATCH_LEASE_SECONDS": str(LEASE_SECONDS),
        "LOG_LEVEL": "INFO",
    }
    connection = await aio_pika.connect(rabbitmq_url)
    channel = await connection.channel()
    reports = await dispatching.reports_queue(channel)
    running = Replicas(env, tmp_path, channel, reports, connection_id)
    try:
        yield running
    finally:
        for process in running.processes:
            process.stop()
        await connection.close()


def job(campaign: uuid.UUID, n: int, step: int = 1) -> DispatchJob:
    return DispatchJob(
        campaign_id=campaign,
        recipient_no=n,
        step_no=step,
        recipient=Recipient(recipient_no=n, contact_id=f"c:{n}", external_id=str(7000 + n)),
        content=OutboundText(text=f"hello {n}, step {step}"),
        released_at=utc_now(),
    )


async def bot_calls(sims: RunningSimulators) -> list[dict[str, object]]:
    return await sims.control("telegram").calls(method="sendMessage", account=BOT)


async def test_two_replicas_keep_the_bot_within_its_rate_also_across_a_handover(
    replicas: Replicas, sims: RunningSimulators
) -> None:
    await replicas.start(2)
    await replicas.connect()
    first = await replicas.holder()
    campaign = uuid.uuid4()
    # ten people get a second message right after their first: 1 per second per chat
    jobs = [job(campaign, n) for n in range(1, 11)] + [job(campaign, n, 2) for n in range(1, 11)]
    jobs += [job(campaign, n) for n in range(11, 131)]
    await replicas.send(jobs)

    async def halfway() -> bool:
        return len(await bot_calls(sims)) >= 60

    await eventually(halfway, timeout=30, what="half the campaign sent")
    # SIGTERM: it hands the connection back, the other takes it at once (waited
    # for in a thread: this loop serves the simulator, which answers its last calls)
    await asyncio.to_thread(first.stop)
    results = await replicas.collect(len(jobs))
    second = await replicas.holder()
    assert second is not first

    calls = await bot_calls(sims)
    at = [float(c["at"]) for c in calls]  # type: ignore[arg-type]
    assert busiest_window(at) <= 30
    assert closest_to_one_recipient(calls) >= 1.0
    assert {c["status"] for c in calls} == {200}  # no 429 was needed
    assert Counter(str(c["recipient"]) for c in calls) == Counter(
        j.recipient.external_id for j in jobs
    )
    assert {r.status for r in results.values()} == {"sent"}
    assert mean_rate(at) >= 20  # the handover costs at most a second or two


async def test_a_replica_killed_mid_campaign_leaves_one_message_or_one_unknown_each(
    replicas: Replicas, sims: RunningSimulators
) -> None:
    # every call takes 25 ms: most of the time one is on the wire
    await sims.control("telegram").configure(latency_ms=25)
    (process,) = await replicas.start(1)
    await replicas.connect()
    await replicas.holder()
    campaign = uuid.uuid4()
    jobs = [job(campaign, n) for n in range(1, 121)]
    await replicas.send(jobs[:60])
    await replicas.send(jobs[60:])

    async def mid_campaign() -> bool:
        return len(await bot_calls(sims)) >= 40

    await eventually(mid_campaign, timeout=30, what="the campaign under way")
    await asyncio.to_thread(process.kill)  # SIGKILL: no clean-up at all
    process.start()  # the same replica again (a new process: it waits for the lease)
    await process.wait_healthy()
    results = await replicas.collect(len(jobs))

    calls = await bot_calls(sims)
    reached = Counter(str(c["recipient"]) for c in calls if c["status"] == 200)
    unknown = [k for k, r in results.items() if r.status == "unknown"]
    assert len(unknown) <= 1  # max_in_flight of the default bot limits
    for key, found in replicas.reported.items():
        assert len({r.status for r in found}) == 1, f"conflicting reports for {key}: {found}"
    for j in jobs:
        result = results[(j.campaign_id, j.recipient_no, j.step_no)]
        got = reached[j.recipient.external_id]
        if result.status == "unknown":
            assert got <= 1
        else:
            assert (result.status, got) == ("sent", 1), j.recipient.external_id
    assert len(results) == len(jobs)
    assert busiest_window([float(c["at"]) for c in calls]) <= 30  # type: ignore[arg-type]


async def test_a_replica_restarted_in_its_slot_takes_its_lease_back_at_once(
    replicas: Replicas, sims: RunningSimulators
) -> None:
    # a lease far longer than a restart: waited out, it would show
    replicas.env["DISPATCH_LEASE_SECONDS"] = "30"
    await sims.control("telegram").configure(latency_ms=25)
    (process,) = await replicas.start(1)
    await replicas.connect()
    await replicas.holder()
    campaign = uuid.uuid4()
    jobs = [job(campaign, n) for n in range(1, 301)]
    await replicas.send(jobs)

    async def under_way() -> bool:
        return len(await bot_calls(sims)) >= 20

    await eventually(under_way, timeout=30, what="the campaign under way")
    await asyncio.to_thread(process.kill)  # SIGKILL: its lease is not released
    killed_after = len(await bot_calls(sims))
    process.start()  # the same slot (host, service, port)
    await process.wait_healthy()
    healthy = time.monotonic()

    async def sending_again() -> bool:
        return len(await bot_calls(sims)) > killed_after + 5

    await eventually(sending_again, timeout=40, what="sending again")
    assert time.monotonic() - healthy < 5  # not the 30 s lease of the process before
    results = await replicas.collect(len(jobs))

    calls = await bot_calls(sims)
    reached = Counter(str(c["recipient"]) for c in calls if c["status"] == 200)
    assert len([r for r in results.values() if r.status == "unknown"]) <= 1
    for j in jobs:
        result = results[(j.campaign_id, j.recipient_no, j.step_no)]
        got = reached[j.recipient.external_id]
        assert got <= 1 if result.status == "unknown" else (result.status, got) == ("sent", 1)
    # what the process before left is honoured: the bot's rate holds across the restart
    assert busiest_window([float(c["at"]) for c in calls]) <= 30  # type: ignore[arg-type]
