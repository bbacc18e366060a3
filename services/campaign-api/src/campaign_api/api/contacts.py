"""Bulk contact import: CSV or JSON lines, spooled to disk as it arrives, read
and validated row by row in a worker thread (so a million rows neither sit in
memory nor stall the API), handed to the audience-resolver in batches."""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from typing import IO, Annotated

from contracts.audience import ContactRecord, ContactsImportedV1
from contracts.base import ConnectionId, utc_now
from contracts.names import INTERNAL_EXCHANGE, RoutingKey
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import Field

from ..domain.contact_rows import (
    MAX_REPORTED_ERRORS,
    ImportReader,
    Lines,
    UnreadableFile,
    csv_rows,
    json_line_rows,
)
from ..domain.model import Refusal
from ..repo import accounts as accounts_repo
from ..usecases.services import AppServices
from .deps import Admin, Services, tenant_of
from .problems import MEMBER_CALL, problems
from .schemas import ImportResult, ImportRowError

router = APIRouter(prefix="/v1/contacts", tags=["contacts"], responses=MEMBER_CALL)

JSON_LINES_TYPES = ("application/x-ndjson", "application/jsonl", "application/json-lines")
CSV_TYPES = ("text/csv", "application/csv", "text/plain")
SPOOL_IN_MEMORY = 8 * 1024 * 1024
IN_FLIGHT = 8
"""Import batches awaiting the broker's confirm at once."""


class ImportReport(ImportResult):
    errors_truncated: bool = Field(
        description=f"More rows were rejected than the first {MAX_REPORTED_ERRORS} listed"
    )


async def spooled_body(request: Request) -> IO[bytes]:
    """The request body as a file: in memory up to 8 MB, on disk beyond."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 (the caller closes it)
    async for chunk in request.stream():
        spool.write(chunk)
    spool.seek(0)
    return spool


class _Batches:
    """Publishes one import's batches, numbered from 1, with up to IN_FLIGHT
    awaiting the broker's confirm at once (their order does not matter: a later
    batch is later by its `imported_at`, whenever it is stored); the last says
    how many contacts the import carried in all."""

    def __init__(self, svc: AppServices, tenant_id: str) -> None:
        self._svc = svc
        self._tenant_id = tenant_id
        self.import_id = uuid.uuid4()
        self._number = 0
        self._in_flight: set[asyncio.Task[None]] = set()

    async def publish(self, contacts: list[ContactRecord], *, total: int | None) -> None:
        self._number += 1
        batch = ContactsImportedV1(
            tenant_id=self._tenant_id,
            import_id=str(self.import_id),
            batch_no=self._number,
            contacts=contacts,
            imported_at=utc_now(),
            total_contacts=total,
        )
        if len(self._in_flight) >= IN_FLIGHT:
            done, self._in_flight = await asyncio.wait(
                self._in_flight, return_when=asyncio.FIRST_COMPLETED
            )
            for task in done:
                task.result()  # a publish that failed fails the import
        self._in_flight.add(
            asyncio.create_task(
                self._svc.runtime.publisher.publish(
                    batch,
                    exchange=INTERNAL_EXCHANGE,
                    routing_key=RoutingKey.CONTACTS_IMPORTED,
                    message_id=f"import-{self.import_id}-{self._number}",
                )
            )
        )

    async def confirmed(self) -> None:
        """Every batch published is confirmed by the broker (or the import fails)."""
        try:
            for task in asyncio.as_completed(self._in_flight):
                await task
        finally:
            for task in self._in_flight:
                task.cancel()
            self._in_flight = set()


@router.post(
    "/import",
    response_model=ImportReport,
    responses=problems(415),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/x-ndjson": {"schema": {"type": "string"}},
            },
        }
    },
)
async def import_contacts(
    request: Request,
    svc: Services,
    caller: Admin,
    connection_id: Annotated[
        ConnectionId | None, Query(description="The connection of rows that name none")
    ] = None,
) -> ImportReport:
    """Bulk contacts: `text/csv` (with a header) or JSON lines (`application/x-ndjson`).
    Every row is accepted or reported with its line number and what is wrong."""
    tenant_id = tenant_of(caller)
    content_type = request.headers.get("content-type", "text/csv").split(";")[0].strip().lower()
    json_lines = content_type in JSON_LINES_TYPES
    if not json_lines and content_type not in CSV_TYPES:
        raise HTTPException(
            415, "send the contacts as text/csv (with a header row) or application/x-ndjson"
        )
    connections = {
        d.connection.id: d.connection.channel
        for d in await accounts_repo.list_connections(svc.pool, tenant_id)
    }
    batch_size = svc.settings.import_batch_size
    batches = _Batches(svc, tenant_id)
    with await spooled_body(request) as body:
        lines = Lines(body)
        try:
            rows = (
                json_line_rows(lines)
                if json_lines
                else await run_in_threadpool(
                    csv_rows, lines, connection_given=connection_id is not None
                )
            )
        except UnreadableFile as error:
            raise Refusal(str(error), "unreadable_file") from None
        reader = ImportReader(rows, connection_id, connections)
        try:
            pending = await run_in_threadpool(reader.next_batch, batch_size)
            while pending:
                following = await run_in_threadpool(reader.next_batch, batch_size)
                await batches.publish(pending, total=None if following else reader.accepted)
                pending = following
        finally:
            await batches.confirmed()
    return ImportReport(
        import_id=batches.import_id,
        rows=reader.read,
        accepted=reader.accepted,
        rejected=reader.rejected,
        errors=[ImportRowError(line=e.line, error=e.error) for e in reader.errors],
        errors_truncated=reader.rejected > len(reader.errors),
    )
