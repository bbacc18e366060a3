"""Telling the rest of the system that a connection was paused, or that its pause
was lifted early (`connection.state.v1`), so campaign-api can show it.  A pause
that runs out is not announced: the event says when it ends.  An announcement
that cannot be published is logged and dropped; sending goes on either way."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from datetime import datetime

from contracts.base import utc_now
from contracts.names import INTERNAL_EXCHANGE, RoutingKey
from contracts.tenants import ConnectionStateV1
from service_kit.logs import get_logger
from service_kit.publishing import Publisher
from service_kit.retry import retry_transient

log = get_logger(__name__)

Announce = Callable[[ConnectionStateV1], Awaitable[None]]
REASON_LIMIT = 2000
GIVE_UP_SECONDS = 30.0
"""How long an announcement waits for the broker before it is dropped."""


async def unheard(_: ConnectionStateV1) -> None:
    """Announces nothing (a sender built without a broker, as in unit tests)."""


def publishing(publisher: Publisher) -> Announce:
    """Announce on the internal exchange, retrying what is transient."""

    async def announce(event: ConnectionStateV1) -> None:
        try:
            await retry_transient(
                functools.partial(
                    publisher.publish,
                    event,
                    exchange=INTERNAL_EXCHANGE,
                    routing_key=RoutingKey.CONNECTION_STATE,
                ),
                what="announce the connection's state",
                give_up_after=GIVE_UP_SECONDS,
            )
        except Exception as error:  # the pause holds whether or not it is shown
            log.warning("connection state not announced", error=type(error).__name__)

    return announce


def paused(key: tuple[str, str], until: datetime, code: str, reason: str) -> ConnectionStateV1:
    return ConnectionStateV1(
        tenant_id=key[0],
        connection_id=key[1],
        paused=True,
        paused_until=until,
        code=code[:200],
        reason=reason[:REASON_LIMIT],
        changed_at=utc_now(),
    )


def lifted(key: tuple[str, str]) -> ConnectionStateV1:
    return ConnectionStateV1(
        tenant_id=key[0], connection_id=key[1], paused=False, changed_at=utc_now()
    )
