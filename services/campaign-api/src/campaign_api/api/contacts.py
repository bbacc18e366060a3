"""Bulk contact import: CSV or JSON lines, streamed to disk, validated row by row,
handed to the audience-resolver in batches.  A million rows never sit in memory."""

from __future__ import annotations

import csv
import io
import tempfile
import uuid
from collections.abc import Iterator
from typing import IO, Annotated

from contracts.audience import ContactRecord, ContactsImportedV1
from contracts.base import ConnectionId, utc_now
from contracts.names import INTERNAL_EXCHANGE, RoutingKey
from fastapi import APIRouter, HTTPException, Query, Request

from ..domain.contact_rows import RowError, from_csv_row, from_json_line, to_record
from ..repo import accounts as accounts_repo
from .deps import Admin, Services, tenant_of
from .schemas import ImportResult, ImportRowError

router = APIRouter(prefix="/v1/contacts", tags=["contacts"])

MAX_REPORTED_ERRORS = 1000
JSON_LINES_TYPES = ("application/x-ndjson", "application/jsonl", "application/json-lines")


def _rows(body: IO[str], json_lines: bool) -> Iterator[tuple[int, dict[str, object] | RowError]]:
    if json_lines:
        for number, line in enumerate(body, start=1):
            if line.strip():
                try:
                    yield number, from_json_line(line)
                except RowError as error:
                    yield number, error
        return
    reader = csv.DictReader(body)
    if not reader.fieldnames or "external_id" not in [f.strip() for f in reader.fieldnames]:
        raise HTTPException(422, "the CSV needs a header row with at least an external_id column")
    for row in reader:
        try:
            yield reader.line_num, from_csv_row(row)
        except RowError as error:
            yield reader.line_num, error


@router.post(
    "/import",
    response_model=ImportResult,
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
) -> ImportResult:
    """Bulk contacts: `text/csv` (with a header) or JSON lines (`application/x-ndjson`)."""
    tenant_id = tenant_of(caller)
    content_type = request.headers.get("content-type", "text/csv").split(";")[0].strip().lower()
    json_lines = content_type in JSON_LINES_TYPES
    if not json_lines and content_type not in ("text/csv", "application/csv", "text/plain"):
        raise HTTPException(
            415, "send the contacts as text/csv (with a header row) or application/x-ndjson"
        )
    connections = {
        d.connection.id: d.connection.channel
        for d in await accounts_repo.list_connections(svc.pool, tenant_id)
    }
    import_id = uuid.uuid4()
    batch: list[ContactRecord] = []
    batch_no = 0
    rows = accepted = 0
    errors: list[ImportRowError] = []

    async def flush() -> None:
        nonlocal batch_no, batch
        if not batch:
            return
        batch_no += 1
        await svc.runtime.publisher.publish(
            ContactsImportedV1(
                tenant_id=tenant_id,
                import_id=str(import_id),
                batch_no=batch_no,
                contacts=batch,
                imported_at=utc_now(),
            ),
            exchange=INTERNAL_EXCHANGE,
            routing_key=RoutingKey.CONTACTS_IMPORTED,
            message_id=f"import-{import_id}-{batch_no}",
        )
        batch = []

    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
        async for chunk in request.stream():
            spool.write(chunk)
        spool.seek(0)
        text = io.TextIOWrapper(spool, encoding="utf-8-sig", errors="replace", newline="")
        for line, parsed in _rows(text, json_lines):
            rows += 1
            try:
                if isinstance(parsed, RowError):
                    raise parsed
                batch.append(
                    to_record(parsed, default_connection=connection_id, connections=connections)
                )
                accepted += 1
            except RowError as error:
                if len(errors) < MAX_REPORTED_ERRORS:
                    errors.append(ImportRowError(line=line, error=str(error)))
            if len(batch) >= svc.settings.import_batch_size:
                await flush()
        await flush()
    return ImportResult(
        import_id=import_id, rows=rows, accepted=accepted, rejected=rows - accepted, errors=errors
    )
