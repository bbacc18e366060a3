"""A connection's pause, as the process that sends for it holds it: the platform
restricted the account (spam, policy, refused credentials), so nothing is sent
until the pause ends, new credentials arrive, or (for refused credentials) a
successful check of them lifts it.  The pause is written to PostgreSQL, so the
next holder honours it too."""

from __future__ import annotations

from datetime import datetime

from contracts.tenants import credentials_digest as digest_of_credentials
from service_kit.logs import get_logger
from service_kit.retry import retry_transient

from .announcements import Announce, lifted, paused, unheard
from .model import ConnectionConfig
from .sender_store import SenderStore

log = get_logger(__name__)


def credentials_digest(config: ConnectionConfig) -> str:
    """Tells one set of credentials from another, without keeping the secret."""
    return digest_of_credentials(config.credentials)


class ConnectionPause:
    def __init__(
        self, store: SenderStore, config: ConnectionConfig, announce: Announce = unheard
    ) -> None:
        """`announce`: tells the system of a pause made or lifted (`connection.state.v1`)."""
        self._store = store
        self._announce = announce
        self._key = config.key
        self.credentials = credentials_digest(config)
        self._connection_id = config.connection_id
        self._blocked: tuple[datetime, str] | None = None
        self._pausing = 0
        """Pauses being written: until they are, the table is behind `_blocked`."""

    def reason(self, now: datetime) -> str | None:
        """Why nothing may be sent now (None: the connection is not paused)."""
        if self._blocked is None:
            return None
        until, reason = self._blocked
        if until <= now:
            self._blocked = None
            return None
        return f"{reason}; the connection is paused until {until:%Y-%m-%d %H:%M:%S} UTC"

    async def read(self) -> None:
        """Take up the pause PostgreSQL holds (this process starts sending)."""
        self._blocked = await retry_transient(
            lambda: self._store.current_pause(self.credentials),
            what="read the connection's pause",
        )

    async def reread(self) -> None:
        """A pause held may have been lifted meanwhile (a successful check of the
        credentials, handled by any replica): read it again."""
        held = self._blocked
        if held is None or self._pausing:
            return
        found = await self._store.current_pause(self.credentials)
        if found is None and self._blocked is held and not self._pausing:
            self._blocked = None
            log.info("the connection's pause was lifted", connection_id=self._connection_id)

    async def new_credentials(self, config: ConnectionConfig) -> None:
        """New credentials lift a pause made with the old ones (other changes leave
        it: a PUT of the same connection must not lift a spam restriction)."""
        credentials = credentials_digest(config)
        if credentials == self.credentials:
            return
        self.credentials = credentials
        was_paused = self._blocked is not None
        if was_paused:
            log.info("new credentials: the connection's pause is lifted")
        self._blocked = None
        await retry_transient(
            lambda: self._store.lift_pauses_of_other_credentials(credentials),
            what="lift a pause",
        )
        if was_paused:
            await self._announce(lifted(self._key))

    async def pause(self, until: datetime, code: str, reason: str, refused: bool = False) -> None:
        """Pause the connection until `until` (`refused`: the platform refused the
        credentials themselves, so a successful check of them lifts it too)."""
        self._blocked = (until, reason)
        credentials = self.credentials
        self._pausing += 1
        try:
            await retry_transient(
                lambda: self._store.pause(until, reason, credentials, bad_credentials=refused),
                what="pause the connection",
            )
        finally:
            self._pausing -= 1
        log.warning(
            "connection paused by the platform", code=code, reason=reason, until=until.isoformat()
        )
        await self._announce(paused(self._key, until, code, reason))
