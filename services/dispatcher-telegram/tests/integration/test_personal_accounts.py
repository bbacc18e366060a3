"""dispatcher-telegram serving personal accounts (`telegram_user`) in-process on
the real broker and database.  MTProto cannot be reached from the tests, so
Telethon's side is played by `FakeTelethon` behind the real client: the
injected factory stands in for the network, and records what reached it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import aio_pika
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
from contracts.tenants import ConnectionLimits, ConnectionUpdatedV1
from dispatch_core.model import ConnectionConfig
from dispatch_core.ports import PlatformClient
from dispatcher_telegram.app import create_app
from dispatcher_telegram.personal_account import PersonalAccountClient
from dispatcher_telegram.settings import Settings
from starlette.applications import Starlette
from telethon import errors
from test_support import dispatching
from test_support.infrastructure import delete_queues
from test_support.secrets import sealed
from test_support.waiting import eventually

from ..fake_telethon import FakeTelethon

pytestmark = pytest.mark.integration

TENANT = "t1"
FAST = {"rate_per_second": 100, "min_gap_seconds": 0, "per_recipient_interval_seconds": 0}
"""Quicker than the slow defaults, which are not what these tests are about."""


class Accounts:
    """The client factory the dispatcher is given: one `FakeTelethon` per account."""

    def __init__(self) -> None:
        self.telegram: dict[str, FakeTelethon] = {}
        self.made_for: list[str] = []

    def __call__(self, config: ConnectionConfig) -> PlatformClient:
        self.made_for.append(config.connection_id)
        telegram = self.telegram.setdefault(config.connection_id, FakeTelethon())
        return PersonalAccountClient(telegram, timeout=5, recent_dialogs=100)


@pytest.fixture
def accounts() -> Accounts:
    return Accounts()


@pytest.fixture
async def account_id(rabbitmq_url: str) -> AsyncIterator[str]:
    """The test's own account; its queue goes once the dispatcher has stopped."""
    account_id = f"me-{uuid.uuid4().hex[:8]}"
    yield account_id
    await delete_queues(rabbitmq_url, [dispatch_queue("telegram", TENANT, account_id)])


@pytest.fixture
async def dispatcher(
    accounts: Accounts, rabbitmq_url: str, database_url: str, account_id: str, clean_queues: None
) -> AsyncIterator[Starlette]:
    settings = Settings(
        rabbitmq_url=rabbitmq_url,
        database_url=database_url,
        telegram_api_base="http://127.0.0.1:9",  # no bot is served in these tests
    )
    app = create_app(settings, personal_account_clients=accounts)
    async with app.router.lifespan_context(app):
        yield app


class Account:
    """One personal account under test: its connection, jobs and outcomes."""

    def __init__(
        self, channel: aio_pika.abc.AbstractChannel, accounts: Accounts, account_id: str
    ) -> None:
        self.channel = channel
        self.id = account_id
        self.telegram = accounts.telegram.setdefault(self.id, FakeTelethon())
        self.results: dict[int, DeliveryResult] = {}
        self._reports: aio_pika.abc.AbstractQueue | None = None

    async def connect(self, **limits: object) -> None:
        self._reports = await dispatching.reports_queue(self.channel)
        event = ConnectionUpdatedV1(
            tenant_id=TENANT,
            connection_id=self.id,
            channel="telegram_user",
            sealed_credentials=sealed({"session": "1A...", "api_id": "1", "api_hash": "h"}),
            limits=ConnectionLimits.model_validate(limits),
            updated_at=utc_now(),
        )
        await dispatching.connection_updated(self.channel, event)

    async def send(self, jobs: list[DispatchJob]) -> None:
        request = DispatchRequestedV1(
            tenant_id=TENANT, connection_id=self.id, channel="telegram_user", jobs=jobs
        )
        await dispatching.dispatch_requested(self.channel, request)

    async def collect(self, expected: int) -> dict[int, DeliveryResult]:
        assert self._reports is not None

        async def enough() -> bool:
            assert self._reports is not None
            for result in await dispatching.reported(self._reports):
                self.results[result.recipient_no] = result
            return len(self.results) >= expected

        await eventually(enough, timeout=20, what=f"{expected} outcomes")
        return self.results


@pytest.fixture
async def account(
    dispatcher: Starlette, rabbitmq_url: str, accounts: Accounts, account_id: str
) -> AsyncIterator[Account]:
    connection = await aio_pika.connect(rabbitmq_url)
    yield Account(await connection.channel(), accounts, account_id)
    await connection.close()


def job(campaign: uuid.UUID, n: int, *, wrote_hours_ago: float | None = 1) -> DispatchJob:
    last = None if wrote_hours_ago is None else utc_now() - timedelta(hours=wrote_hours_ago)
    return DispatchJob(
        campaign_id=campaign,
        recipient_no=n,
        step_no=1,
        recipient=Recipient(
            recipient_no=n,
            contact_id=f"me:{1000 + n}",
            external_id=str(1000 + n),
            last_inbound_at=last,
        ),
        content=OutboundText(text=f"hello {n}"),
        released_at=utc_now(),
    )


async def test_only_people_who_wrote_within_24_hours_reach_the_account(
    account: Account, accounts: Accounts
) -> None:
    account.telegram.known |= {1001, 1004}
    await account.connect(**FAST)
    campaign = uuid.uuid4()
    await account.send(
        [
            job(campaign, 1, wrote_hours_ago=2),
            job(campaign, 2, wrote_hours_ago=25),
            job(campaign, 3, wrote_hours_ago=None),
            job(campaign, 4, wrote_hours_ago=23.5),
        ]
    )
    results = await account.collect(4)
    assert (results[1].status, results[4].status) == ("sent", "sent")
    for n in (2, 3):
        assert (results[n].status, results[n].error_code) == ("skipped", "policy.reply_window")
    assert "over 24 hours ago" in (results[2].error_reason or "")
    assert "never wrote" in (results[3].error_reason or "")
    assert account.id in accounts.made_for  # the telegram_user factory, not the Bot API's
    assert account.telegram.sends() == [
        ("send_message", ("peer:1001", "hello 1"), {}),
        ("send_message", ("peer:1004", "hello 4"), {}),
    ]


async def test_flood_wait_pauses_the_account_for_the_seconds_named_then_resends(
    account: Account,
) -> None:
    account.telegram.known |= {1001, 1002}
    account.telegram.errors.append(errors.FloodWaitError(request=None, capture=1))
    await account.connect(**FAST)
    campaign = uuid.uuid4()
    await account.send([job(campaign, 1), job(campaign, 2)])
    results = await account.collect(2)
    assert {r.status for r in results.values()} == {"sent"}
    assert results[1].attempts == 2
    assert len(account.telegram.sends()) == 3
    assert account.telegram.sent_at[1] - account.telegram.sent_at[0] >= 0.95


async def test_peer_flood_pauses_the_account_and_says_so(account: Account) -> None:
    account.telegram.known |= {1001, 1002, 1003}
    account.telegram.errors.append(errors.PeerFloodError(request=None))
    await account.connect(**FAST)
    campaign = uuid.uuid4()
    await account.send([job(campaign, n) for n in (1, 2, 3)])
    results = await account.collect(3)
    assert (results[1].status, results[1].error_code) == ("failed", "PEER_FLOOD")
    assert "limited this account for spam" in (results[1].error_reason or "")
    assert "the connection is paused until" in (results[1].error_reason or "")
    for n in (2, 3):
        assert (results[n].status, results[n].error_code) == ("failed", "connection.paused")
    assert len(account.telegram.sends()) == 1
