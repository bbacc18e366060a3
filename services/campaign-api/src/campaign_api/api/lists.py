"""Uploaded lists of platform user ids, for a `list` audience (`list_id`): a
file of ids separated by commas, spaces or newlines, read as it streams in and
handed to the audience-resolver in parts, which keeps it."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import IO, Annotated

from contracts.audience import (
    ListAudience,
)
from contracts.base import ConnectionId
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from ..domain.model import Refusal
from ..usecases import lists
from ..usecases.lists import MAX_REPORTED_JUNK
from .contacts import spooled_body
from .deps import Admin, Services
from .problems import MEMBER_CALL, problems

router = APIRouter(prefix="/v1/audience", tags=["audience"], responses=MEMBER_CALL)

LIST_TYPES = ("text/plain", "text/csv", "application/csv")


class JunkOut(BaseModel):
    line: int
    text: str = Field(description="What was found (shortened)")
    reason: str


class ListUploadOut(BaseModel):
    list_id: uuid.UUID
    audience: ListAudience = Field(description="The audience to give a campaign")
    ids: int = Field(description="Distinct platform user ids in the list")
    duplicates: int = Field(description="Repeats of an id listed before (each kept once)")
    junk: int = Field(description="Things in the file that are not ids (left out)")
    junk_report: list[JunkOut] = Field(description=f"The first {MAX_REPORTED_JUNK} of them")
    junk_truncated: bool
    audience_size: int = Field(description="Ids with a reachable dialog now")
    by_connection: dict[str, int]
    unknown_count: int = Field(description="Ids with no dialog (on the connection)")
    unknown_external_ids: list[str] = Field(description="The first 1000 of them")
    opted_out_count: int = Field(description="Ids whose dialogs opted out")
    opted_out_external_ids: list[str] = Field(description="The first 1000 of them")
    note: str = "Reach is as of now; a campaign's audience is snapshotted at launch."


@contextlib.asynccontextmanager
async def _list_file(request: Request) -> AsyncIterator[IO[bytes]]:
    """The uploaded file: the body itself, or a multipart form's `file` field."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=10)
        try:
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise Refusal("send the list as the form's file field `file`", "invalid")
            yield upload.file
        finally:
            await form.close()
    elif content_type in LIST_TYPES:
        with await spooled_body(request) as body:
            yield body
    else:
        raise Refusal(
            "send the list as text/plain or text/csv (the file itself), or as "
            "multipart/form-data with the file in the field `file`",
            "unsupported_media_type",
            status=415,
        )


@router.post(
    "/lists",
    response_model=ListUploadOut,
    responses=problems(415),
    status_code=201,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/plain": {"schema": {"type": "string"}},
                "text/csv": {"schema": {"type": "string"}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                        "required": ["file"],
                    }
                },
            },
        }
    },
)
async def upload_list(
    request: Request,
    svc: Services,
    caller: Admin,
    connection_id: Annotated[
        ConnectionId | None, Query(description="Count the list's reach on this connection only")
    ] = None,
) -> ListUploadOut:
    """A list of platform user ids (chat ids, phone numbers, IGSIDs) separated by
    commas, spaces or newlines, up to a million.  Answers with a `list_id` for a
    `list` audience, the ids' counts, what in the file is not an id (by line),
    and whom the list reaches now: ids with no dialog and opted-out ids are named."""
    async with _list_file(request) as raw:
        upload = await lists.upload_list(svc, caller, raw, connection_id)
    listed, stored = upload.file, upload.stored
    reach = stored.estimate
    assert reach is not None  # a complete list comes with its estimate
    return ListUploadOut(
        list_id=upload.list_id,
        audience=ListAudience(list_id=upload.list_id),
        ids=stored.ids,
        duplicates=stored.duplicates,
        junk=listed.junk,
        junk_report=[
            JunkOut(line=j.line, text=j.text, reason=j.reason) for j in listed.junk_report
        ],
        junk_truncated=listed.junk > len(listed.junk_report),
        audience_size=reach.audience_size,
        by_connection=reach.by_connection,
        unknown_count=reach.unknown_count,
        unknown_external_ids=reach.unknown_external_ids,
        opted_out_count=reach.opted_out_count,
        opted_out_external_ids=reach.opted_out_external_ids,
    )
