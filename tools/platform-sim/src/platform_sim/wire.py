"""Reading request parameters (query, JSON, form, multipart) and writing JSON answers."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


class BadBody(ValueError):
    """The body could not be decoded as the parameters it claims to hold."""


@dataclass(frozen=True, slots=True)
class Upload:
    """A multipart part that carried a file."""

    filename: str
    size: int
    content_type: str
    data: bytes = b""


@dataclass(slots=True)
class Params:
    values: dict[str, Any]
    uploads: dict[str, Upload]


async def read_params(request: web.Request, json_fields: frozenset[str] = frozenset()) -> Params:
    """Query-string parameters overlaid with the body's; `json_fields` sent as form strings are
    decoded as JSON (as the platforms do for nested objects such as `reply_markup`)."""
    values: dict[str, Any] = {
        key: _field(key, value, json_fields) for key, value in request.query.items()
    }
    uploads: dict[str, Upload] = {}
    if not request.body_exists:
        return Params(values, uploads)
    if request.content_type in FORM_TYPES:
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                uploads[key] = _upload(value)
            elif isinstance(value, str):
                values[key] = _field(key, value, json_fields)
            else:
                values[key] = _field(key, bytes(value).decode("utf-8", "replace"), json_fields)
        return Params(values, uploads)
    raw = await request.read()
    if not raw.strip():
        return Params(values, uploads)
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise BadBody(f"can't parse JSON body: {exc}") from exc
    if not isinstance(body, dict):
        raise BadBody("the JSON body must be an object")
    values.update(body)
    return Params(values, uploads)


def _field(key: str, value: str, json_fields: frozenset[str]) -> Any:
    if key in json_fields and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _upload(field: web.FileField) -> Upload:
    stream = field.file
    stream.seek(0)
    data = stream.read()
    stream.close()
    return Upload(field.filename, len(data), field.content_type, data)


def bearer_token(request: web.Request) -> str:
    """The credential from `Authorization: Bearer ...` or `?access_token=`; "" when absent."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer":
        return token.strip()
    return request.query.get("access_token", "")


def json_answer(status: int, body: Any, headers: Mapping[str, str] | None = None) -> web.Response:
    return web.Response(
        body=json.dumps(body, ensure_ascii=False).encode(),
        status=status,
        content_type="application/json",
        headers=headers,
    )


class UploadStore:
    """The newest uploaded files by file id, up to `max_bytes` in all (older ones forgotten)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._files: dict[str, Upload] = {}
        self._bytes = 0

    def keep(self, file_id: str, upload: Upload) -> None:
        self._files[file_id] = upload
        self._bytes += upload.size
        while self._bytes > self.max_bytes and len(self._files) > 1:
            oldest = next(iter(self._files))
            self._bytes -= self._files.pop(oldest).size

    def get(self, file_id: str) -> Upload | None:
        return self._files.get(file_id)

    def clear(self) -> None:
        self._files.clear()
        self._bytes = 0
