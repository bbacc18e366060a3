"""Rows of a contact import (CSV or JSON lines) into validated contact records.

CSV needs a header; `external_id` is required, `connection_id` too unless the
import names one for all rows.  `labels` and `functions_executed` are lists
separated by `;`; `last_inbound_at` is ISO 8601; `opted_out` is true/false;
`channel` may be omitted (the connection's messenger); any other column becomes
a custom attribute.  A JSON line is an object with the same fields, with
`attributes` as an object.

The file is read line by line from bytes (never whole), each line decoded as
UTF-8 on its own, so a bad line is that row's error and the rest is read: a row
that is not UTF-8, not CSV (a field over the csv module's limit) or not JSON,
that names no known connection, or holds a text PostgreSQL cannot store (a NUL
character, a lone surrogate) is rejected with its line number; nothing else is
lost.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from contracts.audience import ContactRecord
from contracts.base import MESSENGER_OF, ConnectionChannel, ahead_of_clock, utc_now
from pydantic import ValidationError

KNOWN_FIELDS = frozenset(
    {
        "connection_id",
        "channel",
        "external_id",
        "name",
        "labels",
        "functions_executed",
        "last_inbound_at",
        "locale",
        "opted_out",
        "attributes",
    }
)
LIST_FIELDS = ("labels", "functions_executed")
MAX_LIST_ITEM = 200
"""Characters in one label or function name (an index entry holds it)."""
MAX_LINE_BYTES = 1 << 20
MAX_REPORTED_ERRORS = 1000
_TRUE = {"1", "true", "yes", "y"}
_FALSE = {"0", "false", "no", "n", ""}
_BOM = b"\xef\xbb\xbf"
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class RowError(ValueError):
    pass


class UnreadableFile(ValueError):
    """The file as a whole cannot be imported (a CSV without its header row)."""


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def from_csv_row(row: Mapping[str | None, str | None]) -> dict[str, Any]:
    """A CSV row (header -> text) as contact fields."""
    fields: dict[str, Any] = {}
    attributes: dict[str, str] = {}
    for column, raw in row.items():
        if column is None:
            raise RowError("more values than header columns")
        value = (raw or "").strip()
        key = column.strip()
        if key in LIST_FIELDS:
            fields[key] = _split(value)
        elif key == "opted_out":
            if value.lower() not in _TRUE | _FALSE:
                raise RowError(f"opted_out: {value!r} is not true or false")
            fields[key] = value.lower() in _TRUE
        elif key in KNOWN_FIELDS:
            if value:
                fields[key] = value
        elif value:
            attributes[key] = value
    if attributes:
        fields["attributes"] = attributes
    return fields


def from_json_line(line: str) -> dict[str, Any]:
    try:
        fields = json.loads(line)
    except json.JSONDecodeError as error:
        raise RowError(f"not JSON: {error.msg}") from None
    except ValueError as error:  # an integer of more digits than Python converts
        raise RowError(f"not JSON this service reads: {str(error).split(':')[0]}") from None
    except RecursionError:
        raise RowError("not JSON this service reads: nested too deeply") from None
    if not isinstance(fields, dict):
        raise RowError("each line must be a JSON object")
    return fields


def _texts(record: ContactRecord) -> list[tuple[str, str]]:
    texts = [("connection_id", record.connection_id), ("external_id", record.external_id)]
    texts += [(key, value) for key in ("name", "locale") if (value := getattr(record, key))]
    texts += [("labels", label) for label in record.labels]
    texts += [("functions_executed", name) for name in record.functions_executed]
    for key, value in record.attributes.items():
        texts.append((f"attributes.{key}", key))
        if isinstance(value, str):
            texts.append((f"attributes.{key}", value))
    return texts


def _unstorable(record: ContactRecord) -> str | None:
    """The first field holding a text PostgreSQL cannot store, and why."""
    texts = _texts(record)
    if _UNSTORABLE.search("".join(text for _, text in texts)) is None:  # one scan: the usual case
        return None
    for where, text in texts:
        if (found := _UNSTORABLE.search(text)) is not None:
            what = (
                "a NUL character" if found.group() == "\x00" else "a lone surrogate (not Unicode)"
            )
            return f"{where}: contains {what}, which cannot be stored"
    return None


def to_record(
    fields: dict[str, Any],
    *,
    default_connection: str | None,
    connections: Mapping[str, ConnectionChannel],
) -> ContactRecord:
    """Validate one row against the tenant's connections."""
    connection_id = fields.get("connection_id") or default_connection
    if not connection_id:
        raise RowError("connection_id: missing (add the column, or ?connection_id= to the import)")
    channel = connections.get(str(connection_id))
    if channel is None:
        raise RowError(f"connection_id: unknown connection {connection_id!r}")
    messenger = MESSENGER_OF[channel]
    if fields.get("channel") not in (None, "", messenger):
        raise RowError(
            f"channel: {fields['channel']!r} does not match connection {connection_id!r} "
            f"({messenger})"
        )
    try:
        record = ContactRecord.model_validate(
            {**fields, "connection_id": connection_id, "channel": messenger}
        )
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "row"
        raise RowError(f"{where}: {first['msg']}") from None
    for key, items in (
        ("labels", record.labels),
        ("functions_executed", record.functions_executed),
    ):
        if items and max(map(len, items)) > MAX_LIST_ITEM:
            raise RowError(f"{key}: longer than {MAX_LIST_ITEM} characters")
    if (problem := _unstorable(record)) is not None:
        raise RowError(problem)
    if record.last_inbound_at is not None and ahead_of_clock(record.last_inbound_at, utc_now()):
        raise RowError(
            f"last_inbound_at: {record.last_inbound_at:%Y-%m-%d %H:%M:%S} UTC is ahead of now: "
            "give the time the person last wrote"
        )
    return record


class Lines:
    """The physical lines of a file of bytes, decoded one by one; a line that is
    not UTF-8 or longer than MAX_LINE_BYTES is noted in `problems` (by line
    number) and handed on replaced (or blank), so a CSV reader stays in step."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self.number = 0
        self.problems: dict[int, str] = {}

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        data = self._raw.readline(MAX_LINE_BYTES)
        if not data:
            raise StopIteration
        self.number += 1
        if self.number == 1 and data.startswith(_BOM):
            data = data[len(_BOM) :]
        if len(data) >= MAX_LINE_BYTES and not data.endswith(b"\n"):
            while (rest := self._raw.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass
            self.problems[self.number] = f"longer than {MAX_LINE_BYTES} bytes"
            return "\n"
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as error:
            self.problems[self.number] = (
                f"not UTF-8 (byte {data[error.start]:#04x} at column {error.start + 1})"
            )
            return data.decode("utf-8", errors="replace")

    def problem_in(self, first: int, last: int) -> tuple[int, str] | None:
        """The first problem of lines `first` to `last`, taken out of `problems`."""
        found = [number for number in self.problems if first <= number <= last]
        for number in found[1:]:
            del self.problems[number]
        return (found[0], self.problems.pop(found[0])) if found else None


Row = tuple[int, dict[str, Any] | RowError]


def csv_rows(lines: Lines, *, connection_given: bool) -> Iterator[Row]:
    """(line, fields or what is wrong) for every record of a CSV file with a
    header row.  The header is read now: UnreadableFile when it is not there, or
    names no connection while the import does not either."""
    reader = csv.reader(lines)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise UnreadableFile(f"the header row is not CSV: {error}") from None
    if lines.problem_in(1, lines.number) is not None or not header:
        raise UnreadableFile("the CSV needs a UTF-8 header row naming its columns")
    columns = [column.strip() for column in header]
    if "external_id" not in columns:
        raise UnreadableFile("the CSV header needs an external_id column")
    if "connection_id" not in columns and not connection_given:
        raise UnreadableFile(
            "the CSV header needs a connection_id column, or name the connection of "
            "every row with ?connection_id="
        )
    return _csv_records(reader, lines, columns)


def _csv_records(reader: Iterator[list[str]], lines: Lines, columns: list[str]) -> Iterator[Row]:
    while True:
        first = lines.number + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:  # e.g. a field over the csv module's limit
            lines.problem_in(first, lines.number)
            yield first, RowError(f"not CSV: {error}")
            continue
        if (problem := lines.problem_in(first, lines.number)) is not None:
            yield problem[0], RowError(problem[1])
            continue
        if not values:
            continue
        row: dict[str | None, str | None] = dict(zip(columns, values, strict=False))
        if len(values) > len(columns):
            row[None] = ",".join(values[len(columns) :])
        try:
            yield first, from_csv_row(row)
        except RowError as error:
            yield first, error


def json_line_rows(lines: Lines) -> Iterator[Row]:
    """(line, fields or what is wrong) for every non-blank line of JSON lines."""
    for text in lines:
        number = lines.number
        if (problem := lines.problem_in(number, number)) is not None:
            yield number, RowError(problem[1])
        elif text.strip():
            try:
                yield number, from_json_line(text)
            except RowError as error:
                yield number, error


@dataclass(frozen=True)
class RowReport:
    line: int
    error: str


@dataclass
class ImportReader:
    """Rows turned into validated records, one batch at a time (a blocking call:
    the API runs it in a worker thread), counting what it accepts and rejects
    and keeping the first MAX_REPORTED_ERRORS rejections."""

    rows: Iterator[Row]
    default_connection: str | None
    connections: Mapping[str, ConnectionChannel]
    read: int = 0
    accepted: int = 0
    errors: list[RowReport] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return self.read - self.accepted

    def next_batch(self, size: int) -> list[ContactRecord]:
        """Up to `size` records; an empty list once the file is read."""
        batch: list[ContactRecord] = []
        for line, fields in self.rows:
            self.read += 1
            try:
                if isinstance(fields, RowError):
                    raise fields
                batch.append(
                    to_record(
                        fields,
                        default_connection=self.default_connection,
                        connections=self.connections,
                    )
                )
                self.accepted += 1
            except RowError as error:
                if len(self.errors) < MAX_REPORTED_ERRORS:
                    self.errors.append(RowReport(line, str(error)))
            if len(batch) >= size:
                break
        return batch
