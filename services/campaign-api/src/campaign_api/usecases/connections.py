"""A tenant's connections (sender accounts), as any of its keys may see them, and
the check of a connection's credentials against its platform."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from contracts.base import utc_now
from contracts.names import INTERNAL_EXCHANGE, RoutingKey
from contracts.tenants import ConnectionCheckedV1, credentials_digest
from service_kit.logs import get_logger
from service_kit.outbox import OutgoingMessage, add_to_outbox
from service_kit.secrets import SecretBox, SecretUnreadable

from ..domain.connections import CheckAnswer, DailyStanding, daily_standing
from ..domain.model import ConnectionPause, Principal, Refusal
from ..platform_check import check_credentials, checkable
from ..repo import accounts as accounts_repo
from ..repo import connection_states as connection_states_repo
from ..repo.accounts import ConnectionDetails
from .access import member_tenant
from .services import AppServices

log = get_logger(__name__)


@dataclass(frozen=True)
class ConnectionShown:
    """A connection as the console shows it."""

    details: ConnectionDetails
    pause: ConnectionPause | None
    """Its dispatcher's pause, while it holds (None: it sends)."""
    standing: DailyStanding | None
    """A WhatsApp number's day since first use and today's allowance (None: other
    channels, whose dispatchers hold no daily allowance)."""


async def list_connections(svc: AppServices, caller: Principal) -> list[ConnectionDetails]:
    """Every connection of the caller's tenant, with its limits (credentials sealed)."""
    return await accounts_repo.list_connections(svc.pool, member_tenant(caller))


async def connections_overview(
    svc: AppServices, caller: Principal, now: datetime | None = None
) -> list[ConnectionShown]:
    """Every connection of the caller's tenant, with whether it is paused and, for
    WhatsApp, where it stands today under its daily allowance."""
    tenant_id = member_tenant(caller)
    at = now or utc_now()
    found = await accounts_repo.list_connections(svc.pool, tenant_id)
    paused = await connection_states_repo.pauses(svc.pool, tenant_id, at)
    return [
        ConnectionShown(
            details=d,
            pause=paused.get(d.connection.id),
            standing=(
                daily_standing(d.connection.channel, d.limits, d.first_used_at, at)
                if d.connection.channel == "whatsapp"
                else None
            ),
        )
        for d in found
    ]


def open_credentials(box: SecretBox, details: ConnectionDetails) -> dict[str, str] | None:
    """The connection's credentials in clear, in memory; None when none of the keys
    opens them (the key that sealed them was removed from `SECRETS_KEYS`)."""
    if details.sealed_credentials is None:
        return None
    try:
        return box.open_credentials(details.sealed_credentials)
    except SecretUnreadable as error:
        log.error(str(error), connection_id=details.connection.id)
        return None


async def check_connection(svc: AppServices, caller: Principal, connection_id: str) -> CheckAnswer:
    """Ask the platform whether the stored credentials work (Telegram `getMe`, the
    WhatsApp number's fields, the Instagram account's fields); nothing is sent to
    anyone.  A success tells the dispatchers (`connection.checked.v1`), which lift
    a pause they made because the platform refused these same credentials."""
    tenant_id = member_tenant(caller)
    details = await accounts_repo.get_connection(svc.pool, tenant_id, connection_id)
    if details is None:
        raise Refusal(f"unknown connection {connection_id!r}", "not_found", status=404)
    channel = details.connection.channel
    if not checkable(channel):
        raise Refusal(
            f"a {channel} connection cannot be checked here (it signs in over MTProto): "
            "it shows whether it works when it next sends",
            "not_checkable",
        )
    credentials = open_credentials(svc.box, details)
    if credentials is None:
        raise Refusal(
            "the stored credentials cannot be opened: none of the keys in SECRETS_KEYS "
            "sealed them (put the key that did back, after the newest), or save them again",
            "credentials_unreadable",
            status=409,
        )
    answer = await check_credentials(channel, credentials, svc.settings)
    log.info("connection checked", connection_id=connection_id, ok=answer.ok)
    if answer.ok:
        event = ConnectionCheckedV1(
            tenant_id=tenant_id,
            connection_id=connection_id,
            channel=channel,
            credentials_digest=credentials_digest(credentials),
            checked_at=utc_now(),
        )
        async with svc.pool.acquire() as conn:
            await add_to_outbox(
                conn, [OutgoingMessage(INTERNAL_EXCHANGE, RoutingKey.CONNECTION_CHECKED, event)]
            )
        svc.runtime.outbox.notify()
    return answer
