"""A connection's platform client, made again when the connection's settings
change: a replaced client is closed once the calls made through it are answered."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from .model import ConnectionConfig
from .ports import ClientFactory, PlatformClient


class PlatformClients:
    def __init__(self, factory: ClientFactory, config: ConnectionConfig) -> None:
        self._factory = factory
        self.current: PlatformClient = factory(config)
        self._calls_on: dict[PlatformClient, int] = {}
        self._retired: set[PlatformClient] = set()

    def replace(self, config: ConnectionConfig) -> PlatformClient:
        """Calls from now on go through a client made for `config`; answers the
        one replaced, for `retire`."""
        old, self.current = self.current, self._factory(config)
        return old

    async def retire(self, client: PlatformClient) -> None:
        """Close a replaced client once its calls in progress are answered."""
        if self._calls_on.get(client, 0) == 0:
            await client.close()
        else:
            self._retired.add(client)

    @contextlib.asynccontextmanager
    async def calling(self) -> AsyncIterator[PlatformClient]:
        """The client to make one call with, kept open until the call is answered."""
        client = self.current
        self._calls_on[client] = self._calls_on.get(client, 0) + 1
        try:
            yield client
        finally:
            await self._call_ended(client)

    async def _call_ended(self, client: PlatformClient) -> None:
        left = self._calls_on[client] - 1
        if left:
            self._calls_on[client] = left
            return
        del self._calls_on[client]
        if client in self._retired:
            self._retired.discard(client)
            await client.close()

    async def close(self) -> None:
        for client in {self.current, *self._retired}:
            await client.close()
