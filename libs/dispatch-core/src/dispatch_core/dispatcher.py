"""A dispatcher process: which connections it serves, and which it sends for.

Each connection has its own queue (single active consumer), which the scheduler
publishes its jobs to.  Whichever replica consumes a batch stores it in the
inbox table and acknowledges it at once; the replica that holds the
connection's lease sends it.  A lease is a row in PostgreSQL with a holder and
an expiry; every replica renews its own and takes those free or expired every
third of `lease_seconds`.  A holder stops sending a margin before its lease
would expire unless renewed, and a successor takes it only once it has expired
(or was released by a stopping process), so one process at a time paces a
connection, and its rate limit holds however many replicas run.  The successor
honours what the connection left: its last send and the platform's wait.  A
holder is a slot (`holder_id`: host, service, port), not a process: one
restarted in its slot after a crash takes its leases back at once.

Connections arrive as `connection.updated.v1` (one replica stores each, its
credentials sealed as they travel); every replica re-reads the table every
`poll_seconds` and serves new ones (their credentials opened in memory only), and the
pauses of the connections it sends for (`connection.checked.v1` may lift one).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta

from contracts.base import utc_now
from contracts.campaigns import CampaignPausedV1
from contracts.names import (
    CAMPAIGNS_EXCHANGE,
    INTERNAL_EXCHANGE,
    DispatcherName,
    RoutingKey,
    dispatch_queue,
    dispatcher_queue,
)
from contracts.scheduling import (
    CampaignCancelRequestedV1,
    CampaignPauseRequestedV1,
    CampaignResumeRequestedV1,
)
from contracts.tenants import ConnectionCheckedV1, ConnectionUpdatedV1
from service_kit.logs import get_logger
from service_kit.retry import TRANSIENT_ERRORS
from service_kit.runtime import ServiceRuntime
from service_kit.secrets import SecretBox
from service_kit.subscribers import Binding, consumes

from . import announcements, gauges, repo
from .cancellations import CancelledCampaigns
from .metrics import DispatchMetrics
from .model import ConnectionConfig
from .paused_campaigns import PausedCampaigns
from .ports import ClientFactory, Clock, Policy
from .reporting import Reporter
from .sender import ConnectionSender
from .sender_store import PostgresSenderStore

log = get_logger(__name__)

HOLDERS = uuid.UUID("5b0c6a39-6f0e-4c55-9a51-0c7f7c2f3d11")
"""The namespace of holder ids made from slot names."""

REREAD_SECONDS = 60.0
"""How far before the latest change read a refresh reads connections' rows again:
a change is stamped when it is written and seen once committed, so one committed
up to this long after a later one was read is still found."""

MAX_LEASE_MARGIN = 2.0
"""A holder stops sending this long (or a fifth of the lease) before its lease
would expire: room for a request that left just before to reach the platform."""


def _own(purpose: str) -> Callable[[Dispatcher], str]:
    """The dispatcher's own queue for `purpose` (see `dispatcher_queue`)."""
    return lambda dispatcher: dispatcher_queue(dispatcher.name, purpose)


class Dispatcher:
    def __init__(
        self,
        runtime: ServiceRuntime,
        *,
        name: DispatcherName,
        channels: Sequence[str],
        client_factory: ClientFactory,
        policies: Sequence[Policy],
        box: SecretBox,
        clock: Clock = utc_now,
        poll_seconds: float = 2.0,
        lease_seconds: float = 10.0,
        inbox_poll_seconds: float = 1.0,
        holder_id: str | None = None,
        connection_labels: int = 100,
        sample_seconds: float = 10.0,
    ) -> None:
        """`connection_labels`: connections with a `connection` label of their own in
        the metrics (see `metrics`); `sample_seconds`: how often the gauges read
        from the database are read."""
        self._runtime = runtime
        self.name = name
        self.channels = list(channels)
        self._client_factory = client_factory
        self._box = box
        self._policies = policies
        self._clock = clock
        self._poll_seconds = poll_seconds
        self.lease_seconds = lease_seconds
        self._lease_margin = min(MAX_LEASE_MARGIN, lease_seconds / 5)
        self._inbox_poll_seconds = inbox_poll_seconds
        self.holder = uuid.uuid4() if holder_id is None else uuid.uuid5(HOLDERS, holder_id)
        """This process's slot, as a lease holder (without `holder_id`: this process)."""
        self.holder_id = holder_id
        self.metrics = DispatchMetrics(
            runtime.registry, channel=name, connection_labels=connection_labels
        )
        self._sample_seconds = sample_seconds
        self.cancelled = CancelledCampaigns()
        self.paused = PausedCampaigns()
        self.senders: dict[tuple[str, str], ConnectionSender] = {}
        self._seen = datetime(1970, 1, 1, tzinfo=UTC)
        """The latest change of a connection's row read (the database's clock)."""
        self._served: dict[tuple[str, str], datetime] = {}
        """The `updated_at` of each connection as it was last served."""
        self._refreshing = asyncio.Lock()
        self._leasing = asyncio.Lock()
        self._loops: list[asyncio.Task[None]] = []
        runtime.add_health_check("sending", self.working)

    @property
    def _pool(self) -> repo.Pool:
        return self._runtime.pool

    async def start(self) -> None:
        # what start-up made lives as long as the process: out of the collector's
        # sight, so a full collection stays short (a pause of a quarter second
        # stalls every send, and the bot's window does not let it catch up)
        gc.collect()
        gc.freeze()
        await self.cancelled.start(self._pool)
        await self.paused.start(self._pool)
        log.info("lease holder", holder_id=self.holder_id, holder=str(self.holder))
        await self.refresh()
        with contextlib.suppress(*TRANSIENT_ERRORS):
            await self.renew_leases()  # else at the next renewal
        self._loops = [
            asyncio.create_task(self._every(self._poll_seconds, self.refresh), name="connections"),
            asyncio.create_task(
                self._every(self.lease_seconds / 3, self.renew_leases), name="leases"
            ),
            asyncio.create_task(self._every(self._inbox_poll_seconds, self._look_in_inbox)),
            asyncio.create_task(self._every(self._sample_seconds, self.sample_gauges)),
        ]

    def working(self) -> bool:
        """Its loops run, and every connection it sends for is being worked (else
        `/health` fails: a live-looking process that holds leases and sends nothing
        must be restarted)."""
        return all(not loop.done() for loop in self._loops) and all(
            sender.working for sender in self.senders.values()
        )

    async def stop(self) -> None:
        """Hand every connection back and release the leases, whatever failed on the
        way (reports the broker could not take are reported by the next holder)."""
        for loop in self._loops:
            loop.cancel()
        for loop in self._loops:
            with contextlib.suppress(asyncio.CancelledError):
                await loop
        await self.cancelled.stop()
        await self.paused.stop()
        owned = [s for s in self.senders.values() if s.owning]
        handed = await asyncio.gather(*(s.hand_back() for s in owned), return_exceptions=True)
        left = {
            s.key: w if isinstance(w, repo.LeftBehind) else s.left_behind()
            for s, w in zip(owned, handed, strict=True)
        }
        for failure in (w for w in handed if not isinstance(w, repo.LeftBehind)):
            log.error("handing a connection back failed", error=repr(failure))
        if owned:
            with contextlib.suppress(*TRANSIENT_ERRORS):
                await repo.release_leases(self._pool, self.holder, left)
        for sender in self.senders.values():
            await sender.close()
        gc.unfreeze()  # a process that goes on (a test) gets its memory back

    @consumes(_own("connections"), INTERNAL_EXCHANGE, RoutingKey.CONNECTION_UPDATED)
    async def on_connection_updated(self, event: ConnectionUpdatedV1) -> None:
        if event.channel not in self.channels:
            return
        await repo.upsert_connection(self._pool, event, self._box)
        await self.refresh()

    @consumes(_own("connection-checks"), INTERNAL_EXCHANGE, RoutingKey.CONNECTION_CHECKED)
    async def on_connection_checked(self, event: ConnectionCheckedV1) -> None:
        """The platform accepted the connection's credentials when asked: a pause made
        because it refused those same credentials ends (the process that sends for
        the connection notices within `poll_seconds`)."""
        if event.channel not in self.channels:
            return
        key = (event.tenant_id, event.connection_id)
        lifted = await repo.lift_credentials_pause(self._pool, key, event.credentials_digest)
        if lifted is not None:
            log.info("credentials checked: the connection's pause is lifted", reason=lifted)
            await announcements.publishing(self._runtime.publisher)(announcements.lifted(key))
        await self.reread_pauses()

    async def reread_pauses(self) -> None:
        """The connections this process sends for read their pauses again."""
        for sender in list(self.senders.values()):
            await sender.reread_pause()

    @consumes(_own("cancellations"), INTERNAL_EXCHANGE, RoutingKey.CAMPAIGN_CANCEL)
    async def on_cancel(self, event: CampaignCancelRequestedV1) -> None:
        await self.cancelled.add(self._pool, event.campaign_id, event.requested_at)
        log.info("campaign cancelled: its queued jobs will not be sent")

    @consumes(_own("campaign-pauses"), INTERNAL_EXCHANGE, RoutingKey.CAMPAIGN_PAUSE)
    async def on_pause(self, event: CampaignPauseRequestedV1) -> None:
        """A person paused the campaign: its queued jobs are held back, not sent."""
        await self.paused.set(self._pool, event.campaign_id, True, event.requested_at)
        log.info("campaign paused: its queued jobs wait", campaign_id=str(event.campaign_id))

    @consumes(_own("campaigns-paused"), CAMPAIGNS_EXCHANGE, RoutingKey.CAMPAIGN_PAUSED)
    async def on_paused(self, event: CampaignPausedV1) -> None:
        """The scheduler paused the campaign (for its failures, or a restricted account)."""
        await self.paused.set(self._pool, event.campaign_id, True, event.paused_at)
        log.info("campaign paused", campaign_id=str(event.campaign_id), reason=event.reason)

    @consumes(_own("campaign-resumes"), INTERNAL_EXCHANGE, RoutingKey.CAMPAIGN_RESUME)
    async def on_resume(self, event: CampaignResumeRequestedV1) -> None:
        """The campaign goes on: what the scheduler releases again is sent."""
        await self.paused.set(self._pool, event.campaign_id, False, event.requested_at)
        log.info("campaign resumed", campaign_id=str(event.campaign_id))

    async def _every(self, seconds: float, work: Callable[[], Awaitable[None]]) -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                await work()
            except TRANSIENT_ERRORS as error:
                log.warning("background work failed; trying again", error=repr(error))
            except Exception:  # a loop that dies would stop the process sending
                log.exception("background work failed unexpectedly; trying again")

    async def refresh(self) -> None:
        """Serve connections added or changed since the last look.  Rows that changed
        up to `REREAD_SECONDS` before the latest change read are read again, so one
        whose change committed after a later one's was read is still served; one
        read again unchanged is not served twice."""
        async with self._refreshing:
            changed, latest = await repo.connections_changed_since(
                self._pool,
                self.channels,
                self._seen - timedelta(seconds=REREAD_SECONDS),
                self._box,
                self._served,
            )
            for config in changed:
                await self._serve(config)
                self._served[config.key] = config.updated_at
            self._seen = max(self._seen, latest)
            self.metrics.connections.set(len(self.senders))
        await self.reread_pauses()

    async def renew_leases(self) -> None:
        """Renew this process's leases and take the free or expired ones."""
        async with self._leasing:
            if not self.senders:
                return
            started = time.monotonic()
            held = await repo.renew_leases(
                self._pool,
                self.holder,
                self.lease_seconds,
                {key: s.left_behind() if s.owning else None for key, s in self.senders.items()},
            )
            valid_until = started + self.lease_seconds - self._lease_margin
            for key, sender in list(self.senders.items()):
                lease = held.get(key)
                if lease is None:
                    if sender.owning:
                        await sender.lose()
                elif sender.owning:
                    sender.extend(valid_until)
                else:
                    sender.take_over(lease, self.holder, valid_until)
            self.metrics.owned.set(sum(s.owning for s in self.senders.values()))

    async def sample_gauges(self) -> None:
        """Set the gauges read from the database (inbox jobs, paused connections)."""
        await gauges.sample(self._pool, self.holder, self.metrics)

    async def _look_in_inbox(self) -> None:
        """Batches another process stored for connections this one sends for."""
        for key in await repo.connections_with_batches(self._pool):
            sender = self.senders.get(key)
            if sender is not None and sender.owning:
                sender.wake()

    async def _serve(self, config: ConnectionConfig) -> None:
        sender = self.senders.get(config.key)
        if sender is not None:
            await sender.update(config)
            log.info("connection updated", connection_id=config.connection_id)
            return
        sender = ConnectionSender(
            config,
            store=PostgresSenderStore(self._pool, config.key),
            client_factory=self._client_factory,
            policies=self._policies,
            reporter=Reporter(self._runtime.publisher, config.tenant_id, config.connection_id),
            cancelled=self.cancelled,
            paused=self.paused,
            metrics=self.metrics,
            announce=announcements.publishing(self._runtime.publisher),
            clock=self._clock,
        )
        await repo.add_leases(self._pool, [config.key])
        self.senders[config.key] = sender
        queue = dispatch_queue(self.name, config.tenant_id, config.connection_id)
        # One batch at a time: faststream handles the messages it has prefetched
        # concurrently, so more would store batches out of their order and hold
        # each parsed (about 2.5 MB for 1000 jobs) at once; one is stored within
        # milliseconds, far faster than the connection sends it.
        binding = Binding(queue, prefetch=1, single_active_consumer=True)
        await self._runtime.subscribe_now(binding, sender.receive)
        log.info("serving connection", connection_id=config.connection_id, channel=config.channel)
