"""Uploaded lists of platform user ids, for a `list` audience (`list_id`): read
part by part as the file streams in, handed to the audience-resolver, which keeps
them, and answered with what the list holds and whom it reaches now."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import IO

from contracts.audience import (
    MAX_LIST_PART,
    MAX_LISTED,
    AudienceListUploadedV1,
    AudienceListV1,
    IdListReader,
    Junk,
)
from contracts.names import INTERNAL_EXCHANGE, RoutingKey

from ..domain.model import Principal, Refusal
from ..estimates import close_list
from .access import admin_tenant
from .services import AppServices

READ_BYTES = 1 << 20
MAX_REPORTED_JUNK = 1000
STORE_SECONDS = 120.0
"""How long the resolver may take to store a list once every part is sent."""


@dataclass
class ListFile:
    """A list file read part by part (a blocking call: run it in a worker
    thread), counting its ids and keeping the first junk it holds."""

    raw: IO[bytes]
    ids: int = 0
    junk: int = 0
    junk_report: list[Junk] = field(default_factory=list)
    _reader: IdListReader = field(default_factory=IdListReader)
    _pending: list[str] = field(default_factory=list)
    _done: bool = False

    def next_part(self, size: int) -> list[str]:
        """Up to `size` ids in file order (repeats included); empty at the end."""
        while len(self._pending) < size and not self._done:
            chunk = self.raw.read(READ_BYTES)
            self._done = not chunk
            for item in self._reader.feed(chunk) if chunk else self._reader.close():
                if isinstance(item, Junk):
                    self.junk += 1
                    if len(self.junk_report) < MAX_REPORTED_JUNK:
                        self.junk_report.append(item)
                else:
                    self._pending.append(item.external_id)
        part, self._pending = self._pending[:size], self._pending[size:]
        self.ids += len(part)
        return part


@dataclass(frozen=True)
class ListUpload:
    """An uploaded list: its id, the file as read, and the list as stored (with
    its reach now)."""

    list_id: uuid.UUID
    file: ListFile
    stored: AudienceListV1


async def upload_list(
    svc: AppServices, caller: Principal, raw: IO[bytes], connection_id: str | None = None
) -> ListUpload:
    """Read the ids in `raw` (separated by commas, spaces or newlines, up to
    `MAX_LISTED`), publish them in parts, and wait until the audience-resolver
    stored them all; `connection_id` counts the reach on that connection only."""
    tenant_id = admin_tenant(caller)
    list_id = uuid.uuid4()
    listed = ListFile(raw)
    parts = 0
    while ids := await asyncio.to_thread(listed.next_part, MAX_LIST_PART):
        if listed.ids > MAX_LISTED:
            raise Refusal(f"a list holds at most {MAX_LISTED:,} ids", "too_large", 413)
        parts += 1
        await svc.runtime.publisher.publish(
            AudienceListUploadedV1(
                list_id=list_id,
                tenant_id=tenant_id,
                part_no=parts,
                first_position=listed.ids - len(ids) + 1,
                external_ids=ids,
            ),
            exchange=INTERNAL_EXCHANGE,
            routing_key=RoutingKey.AUDIENCE_LIST_UPLOADED,
            message_id=f"list-{list_id}-{parts}",
        )
    if parts == 0:
        raise Refusal(
            f"the file holds no platform user ids ({listed.junk} things that are not ids)",
            "empty_list",
        )
    stored = await close_list(
        svc.runtime.broker,
        list_id=list_id,
        tenant_id=tenant_id,
        part_count=parts,
        connection_id=connection_id,
        wait_seconds=svc.settings.estimate_timeout_seconds,
        store_seconds=STORE_SECONDS,
    )
    return ListUpload(list_id, listed, stored)
