"""What people write to the connections (`message.inbound.v1` on `dialogs`).

A campaign's recipients carry the last inbound time of the audience snapshot,
which ages while the campaign runs; a person who writes again, or replies
`STOP` (or `START`, to opt back in; the words of `contracts.optout`), changes
what may be sent to them now.  The dispatcher keeps both in its own table (so
they hold across restarts and replicas) for its policies to read.
"""

from __future__ import annotations

from contracts.audience import MessageInboundV1
from contracts.base import MAX_CLOCK_SKEW, ahead_of_clock, utc_now
from contracts.optout import opt_command
from service_kit.errors import Unprocessable
from service_kit.retry import retry_transient

from . import repo
from .model import ConnectionConfig, InboundContact


class InboundLog:
    """The freshest inbound time and the opt-out of each person, per connection."""

    def __init__(self, pool: repo.PoolSource) -> None:
        self._pool = pool

    async def record(self, event: MessageInboundV1) -> None:
        """Store it; a `received_at` ahead of this clock (beyond `MAX_CLOCK_SKEW`)
        is refused as `Unprocessable`: it would open the reply window for good."""
        if ahead_of_clock(event.received_at, utc_now()):
            raise Unprocessable(
                f"received_at {event.received_at.isoformat()} is more than "
                f"{MAX_CLOCK_SKEW} ahead of this service's clock"
            )
        await repo.record_inbound(
            self._pool(),
            (event.tenant_id, event.connection_id),
            event.external_id,
            event.received_at,
            command=opt_command(event.text),
        )

    async def contact(
        self, connection: ConnectionConfig, external_id: str
    ) -> InboundContact | None:
        return await retry_transient(
            lambda: repo.inbound_contact(self._pool(), connection.key, external_id),
            what="read inbound contact",
        )
