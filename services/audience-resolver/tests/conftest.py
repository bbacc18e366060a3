"""The audience-resolver running in-process on the real RabbitMQ and PostgreSQL.

One resolver and one database serve this package's tests (starting them per
test would cost most of the time budget) and stop when they end, before other
suites run; tests keep apart by using a tenant of their own and new campaign
ids.  Another service's side is played by a client broker that publishes and
requests, and by a queue of the test's own that receives what the resolver
publishes.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aio_pika
import pytest
from audience_resolver.app import create_app
from audience_resolver.settings import Settings
from contracts.audience import (
    Audience,
    AudienceDialogsRequestedV1,
    AudienceDialogsV1,
    AudienceEstimateRequestedV1,
    AudienceEstimateV1,
    AudienceListCloseRequestedV1,
    AudienceListUploadedV1,
    AudienceListV1,
    AudienceSnapshotRequestedV1,
    AudienceSnapshottedV1,
    ContactRecord,
    ContactsImportedV1,
    FilterAudience,
    Recipient,
    RecipientsResolvedV1,
)
from contracts.names import INTERNAL_EXCHANGE, Queue, RoutingKey, dead_letter_queue
from contracts.tenants import TenantUpdatedV1
from faststream.rabbit import RabbitBroker
from pydantic import BaseModel
from service_kit.publishing import encode
from service_kit.runtime import ServiceRuntime
from test_support.infrastructure import (
    Infrastructure,
    create_fresh_database,
    delete_queues,
    drop_database,
)
from test_support.waiting import eventually

RESOLVER_QUEUES = [
    Queue.RESOLVER_CONTACT_UPSERTED,
    Queue.RESOLVER_MESSAGE_INBOUND,
    Queue.RESOLVER_CONTACTS_IMPORTED,
    Queue.RESOLVER_SNAPSHOT,
    Queue.RESOLVER_ESTIMATE,
    Queue.RESOLVER_DIALOGS,
    Queue.RESOLVER_LIST_UPLOADED,
    Queue.RESOLVER_LIST_CLOSE,
    Queue.RESOLVER_TENANTS,
]


@dataclass
class Resolver:
    """The running resolver, and a client to talk to it as another service does."""

    runtime: ServiceRuntime
    client: RabbitBroker
    rabbitmq_url: str

    async def publish(self, message: BaseModel, *, exchange: str, routing_key: str) -> None:
        await self.publish_raw(encode(message), exchange=exchange, routing_key=routing_key)

    async def publish_raw(
        self,
        body: bytes,
        *,
        exchange: str,
        routing_key: str,
        message_id: str | None = None,
        timestamp: datetime | None = None,
    ) -> None:
        await self.client.publish(
            body,
            exchange=exchange,
            routing_key=routing_key,
            persist=True,
            content_type="application/json",
            message_id=message_id or uuid.uuid4().hex,
            timestamp=timestamp,
        )

    async def announce_tenant(self, tenant_id: str) -> None:
        """Publish `tenant.updated.v1` and wait until the resolver knows the tenant."""
        event = TenantUpdatedV1(
            tenant_id=tenant_id,
            plan="paid",
            monthly_limit=4000,
            subscription_ends_at=None,
            updated_at=datetime.now(UTC),
        )
        await self.publish(event, exchange=INTERNAL_EXCHANGE, routing_key=RoutingKey.TENANT_UPDATED)

        async def known() -> bool | None:
            found = await self.runtime.pool.fetchval(
                "SELECT true FROM tenants WHERE id = $1", tenant_id
            )
            return bool(found) or None

        await eventually(known, what=f"tenant {tenant_id} to be known")

    async def upload_list(
        self,
        tenant_id: str,
        external_ids: list[str],
        *,
        part_size: int,
        list_id: uuid.UUID | None = None,
    ) -> AudienceListV1:
        """An uploaded list as campaign-api sends it: parts (published last part
        first, so they are not stored in order), then closing requests until
        the resolver says it is complete."""
        list_id = list_id or uuid.uuid4()
        parts = [
            AudienceListUploadedV1(
                list_id=list_id,
                tenant_id=tenant_id,
                part_no=number,
                first_position=start + 1,
                external_ids=external_ids[start : start + part_size],
            )
            for number, start in enumerate(range(0, len(external_ids), part_size), start=1)
        ]
        for part in reversed(parts):
            await self.publish(
                part, exchange=INTERNAL_EXCHANGE, routing_key=RoutingKey.AUDIENCE_LIST_UPLOADED
            )
        close = AudienceListCloseRequestedV1(
            list_id=list_id, tenant_id=tenant_id, part_count=len(parts)
        )

        async def closed() -> AudienceListV1 | None:
            reply = await self.client.request(
                encode(close),
                exchange=INTERNAL_EXCHANGE,
                routing_key=RoutingKey.AUDIENCE_LIST_CLOSE,
                timeout=10,
                content_type="application/json",
            )
            state = AudienceListV1.model_validate_json(reply.body)
            return state if state.complete else None

        return await eventually(closed, what=f"list {list_id} to be complete")

    def handled(self, queue: str) -> float:
        """Messages of `queue` the resolver has handled and committed (its own metric)."""
        value = self.runtime.registry.get_sample_value(
            "consumer_messages_total", {"queue": queue, "outcome": "handled"}
        )
        return value or 0.0

    async def until_handled(self, queue: str, count: float) -> None:
        """Wait until `queue` has had `count` messages handled in all: a message
        whose effect is, by design, nothing is known to have been processed."""

        async def reached() -> bool:
            return self.handled(queue) >= count

        await eventually(reached, what=f"{count:.0f} messages of {queue} to be handled")

    async def estimate(
        self,
        tenant_id: str,
        audience: Audience,
        connection_id: str | None = None,
        window_since: datetime | None = None,
    ) -> AudienceEstimateV1:
        request = AudienceEstimateRequestedV1(
            tenant_id=tenant_id,
            connection_id=connection_id,
            audience=audience,
            window_since=window_since,
        )
        reply = await self.client.request(
            encode(request),
            exchange=INTERNAL_EXCHANGE,
            routing_key=RoutingKey.AUDIENCE_ESTIMATE,
            timeout=10,
            content_type="application/json",
        )
        return AudienceEstimateV1.model_validate_json(reply.body)

    async def dialogs(
        self,
        tenant_id: str,
        *,
        filters: FilterAudience | None = None,
        q: str | None = None,
        cursor: str | None = None,
        limit: int = 50,
    ) -> AudienceDialogsV1:
        """One page of the dialog list, asked as campaign-api asks it."""
        request = AudienceDialogsRequestedV1(
            tenant_id=tenant_id, filters=filters, q=q, cursor=cursor, limit=limit
        )
        reply = await self.client.request(
            encode(request),
            exchange=INTERNAL_EXCHANGE,
            routing_key=RoutingKey.AUDIENCE_DIALOGS,
            timeout=10,
            content_type="application/json",
        )
        return AudienceDialogsV1.model_validate_json(reply.body)

    async def request_snapshot(
        self,
        tenant_id: str,
        audience: Audience,
        *,
        connection_id: str = "tg-main",
        campaign_id: uuid.UUID | None = None,
        batch_size: int = 1000,
    ) -> uuid.UUID:
        request = AudienceSnapshotRequestedV1(
            campaign_id=campaign_id or uuid.uuid4(),
            tenant_id=tenant_id,
            connection_id=connection_id,
            audience=audience,
            batch_size=batch_size,
        )
        await self.publish(
            request, exchange=INTERNAL_EXCHANGE, routing_key=RoutingKey.AUDIENCE_SNAPSHOT
        )
        return request.campaign_id

    async def import_contacts(
        self,
        tenant_id: str,
        contacts: list[ContactRecord],
        *,
        imported_at: datetime | None = None,
        total_contacts: int | None = None,
    ) -> None:
        """One import batch, waited on until every dialog of it is stored (and,
        when it says it is an import's last, its handling is over)."""
        batch = ContactsImportedV1(
            tenant_id=tenant_id,
            import_id=uuid.uuid4().hex,
            batch_no=1,
            contacts=contacts,
            imported_at=imported_at or datetime.now(UTC),
            total_contacts=total_contacts,
        )
        handled = self.handled(Queue.RESOLVER_CONTACTS_IMPORTED)
        before = self.imported_rows()
        await self.publish(
            batch, exchange=INTERNAL_EXCHANGE, routing_key=RoutingKey.CONTACTS_IMPORTED
        )
        dialogs = len({(c.connection_id, c.external_id) for c in contacts})

        async def stored() -> bool:
            return self.imported_rows() >= before + dialogs

        await eventually(stored, what="the import to be stored")
        await self.until_handled(Queue.RESOLVER_CONTACTS_IMPORTED, handled + 1)

    def imported_rows(self) -> float:
        """Import rows the resolver has committed (its own metric)."""
        value = self.runtime.registry.get_sample_value(
            "audience_contacts_upserted_total", {"source": "import"}
        )
        return value or 0.0

    async def stored_count(self, tenant_id: str) -> int:
        count: int = await self.runtime.pool.fetchval(
            "SELECT count(*) FROM contacts WHERE tenant_id = $1", tenant_id
        )
        return count

    async def contact(self, tenant_id: str, connection_id: str, external_id: str) -> Any:
        return await self.runtime.pool.fetchrow(
            "SELECT * FROM contacts"
            " WHERE tenant_id = $1 AND connection_id = $2 AND external_id = $3",
            tenant_id,
            connection_id,
            external_id,
        )


@dataclass
class Streamed:
    """One campaign's snapshot as the resolver published it."""

    batches: list[RecipientsResolvedV1]
    snapshotted: AudienceSnapshottedV1

    @property
    def recipients(self) -> list[Recipient]:
        return [r for batch in self.batches for r in batch.recipients]

    @property
    def external_ids(self) -> list[str]:
        return [r.external_id for r in self.recipients]


@dataclass
class Published:
    """What the resolver publishes on `campaigns.internal`, as a campaign-api would
    receive it: recipient batches and `audience.snapshotted.v1`, in order."""

    batches: list[RecipientsResolvedV1] = field(default_factory=list)
    snapshotted: list[AudienceSnapshottedV1] = field(default_factory=list)

    def receive(self, message: aio_pika.abc.AbstractIncomingMessage) -> None:
        if message.routing_key == RoutingKey.RECIPIENTS_RESOLVED:
            self.batches.append(RecipientsResolvedV1.model_validate_json(message.body))
        else:
            self.snapshotted.append(AudienceSnapshottedV1.model_validate_json(message.body))

    async def snapshot(self, campaign_id: uuid.UUID, *, times: int = 1) -> Streamed:
        """The snapshot of `campaign_id`, once `audience.snapshotted.v1` arrived
        `times` times (each streaming ends with one); batches of the last stream."""

        async def streamed() -> bool:
            done = [s for s in self.snapshotted if s.campaign_id == campaign_id]
            return len(done) >= times

        await eventually(streamed, what=f"snapshot {campaign_id} to be streamed")
        done = [s for s in self.snapshotted if s.campaign_id == campaign_id]
        batches = [b for b in self.batches if b.campaign_id == campaign_id]
        per_stream = done[-1].batch_count
        return Streamed(batches=batches[len(batches) - per_stream :], snapshotted=done[-1])


@pytest.fixture(scope="package")
async def resolver_database(infrastructure: Infrastructure) -> AsyncIterator[str]:
    url = await create_fresh_database(infrastructure.postgres_url(), prefix="resolver_test")
    yield url
    await drop_database(url)


@pytest.fixture(scope="package")
async def resolver(rabbitmq_url: str, resolver_database: str) -> AsyncIterator[Resolver]:
    await delete_queues(rabbitmq_url, RESOLVER_QUEUES)
    app = create_app(Settings(rabbitmq_url=rabbitmq_url, database_url=resolver_database))
    client = RabbitBroker(rabbitmq_url)
    async with app.router.lifespan_context(app):
        await client.connect()
        try:
            yield Resolver(runtime=app.state.runtime, client=client, rabbitmq_url=rabbitmq_url)
        finally:
            await client.stop()
    await delete_queues(rabbitmq_url, RESOLVER_QUEUES)


@pytest.fixture
async def tenant_id(resolver: Resolver) -> str:
    """A tenant of the test's own, announced as campaign-api does on its creation."""
    tenant = f"t-{uuid.uuid4().hex[:12]}"
    await resolver.announce_tenant(tenant)
    return tenant


@pytest.fixture
async def published(rabbitmq_url: str, resolver: Resolver) -> AsyncIterator[Published]:
    received = Published()
    connection = await aio_pika.connect(rabbitmq_url)
    try:
        channel = await connection.channel()
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        for key in (RoutingKey.RECIPIENTS_RESOLVED, RoutingKey.AUDIENCE_SNAPSHOTTED):
            await queue.bind(INTERNAL_EXCHANGE, routing_key=key)

        async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            async with message.process():
                received.receive(message)

        await queue.consume(on_message)
        yield received
    finally:
        await connection.close()


@dataclass
class DeadLetters:
    channel: aio_pika.abc.AbstractChannel

    async def find(self, queue: str, message_id: str) -> aio_pika.abc.AbstractIncomingMessage:
        """Wait for `message_id` in `<queue>.dlq` (taking it out)."""
        dlq = await self.channel.get_queue(dead_letter_queue(queue), ensure=False)

        async def arrived() -> aio_pika.abc.AbstractIncomingMessage | None:
            while (message := await dlq.get(fail=False, no_ack=True)) is not None:
                if message.message_id == message_id:
                    return message
            return None

        return await eventually(arrived, what=f"{message_id} in {queue}.dlq")


@pytest.fixture
async def dead_letters(rabbitmq_url: str, resolver: Resolver) -> AsyncIterator[DeadLetters]:
    connection = await aio_pika.connect(rabbitmq_url)
    try:
        yield DeadLetters(await connection.channel())
    finally:
        await connection.close()


ContactFactory = Callable[..., ContactRecord]


@pytest.fixture
def contact() -> ContactFactory:
    """`contact("42", "wa-main", labels=["vip"])`: an import row, whose channel
    follows the connection's name (`wa-*` WhatsApp, `ig-*` Instagram, else Telegram)."""

    def make(external_id: str, connection_id: str = "tg-main", **fields: Any) -> ContactRecord:
        channel = {"wa": "whatsapp", "ig": "instagram"}.get(connection_id[:2], "telegram")
        fields.setdefault("channel", channel)
        return ContactRecord(connection_id=connection_id, external_id=external_id, **fields)

    return make
