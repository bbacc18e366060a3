from __future__ import annotations

import csv
import io

import pytest
from campaign_api.domain.contact_rows import (
    MAX_LINE_BYTES,
    MAX_REPORTED_ERRORS,
    ImportReader,
    Lines,
    RowError,
    RowReport,
    UnreadableFile,
    csv_rows,
    from_csv_row,
    from_json_line,
    json_line_rows,
    to_record,
)

CONNECTIONS = {"tg-main": "telegram_bot", "wa-main": "whatsapp"}


def test_csv_row_with_lists_flags_and_attributes() -> None:
    fields = from_csv_row(
        {
            "connection_id": "tg-main",
            "external_id": " 42 ",
            "name": "Alice",
            "labels": "vip; newsletter;",
            "opted_out": "no",
            "city": "Berlin",
            "empty": "",
        }
    )
    record = to_record(fields, default_connection=None, connections=CONNECTIONS)  # type: ignore[arg-type]
    assert record.external_id == "42"
    assert record.channel == "telegram"
    assert record.labels == ["vip", "newsletter"]
    assert record.opted_out is False
    assert record.attributes == {"city": "Berlin"}


def test_default_connection_and_channel_check() -> None:
    record = to_record(
        {"external_id": "4915"}, default_connection="wa-main", connections=CONNECTIONS
    )  # type: ignore[arg-type]
    assert record.channel == "whatsapp"
    with pytest.raises(RowError, match="does not match"):
        to_record(
            {"external_id": "1", "channel": "telegram"},
            default_connection="wa-main",
            connections=CONNECTIONS,
        )  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"external_id": "1"}, "connection_id: missing"),
        ({"external_id": "1", "connection_id": "x"}, "unknown connection 'x'"),
        ({"connection_id": "tg-main"}, "external_id"),
        ({"connection_id": "tg-main", "external_id": "a b"}, "external_id"),
        (
            {"connection_id": "tg-main", "external_id": "1", "last_inbound_at": "yesterday"},
            "last_inbound_at",
        ),
        (
            {"connection_id": "tg-main", "external_id": "1", "last_inbound_at": "9999-12-31"},
            "last_inbound_at: 9999-12-31 00:00:00 UTC is ahead of now",
        ),
    ],
)
def test_bad_rows_say_what_is_wrong(fields: dict[str, str], message: str) -> None:
    with pytest.raises(RowError, match=message):
        to_record(fields, default_connection=None, connections=CONNECTIONS)  # type: ignore[arg-type]


def test_json_lines() -> None:
    assert from_json_line('{"external_id": "1"}') == {"external_id": "1"}
    with pytest.raises(RowError, match="not JSON"):
        from_json_line("{oops")
    with pytest.raises(RowError, match="object"):
        from_json_line("[1]")


def test_bad_opted_out_value() -> None:
    with pytest.raises(RowError, match="opted_out"):
        from_csv_row({"external_id": "1", "opted_out": "maybe"})


def read(data: bytes, *, json_lines: bool = False, connection: str | None = None) -> ImportReader:
    lines = Lines(io.BytesIO(data))
    rows = (
        json_line_rows(lines)
        if json_lines
        else csv_rows(lines, connection_given=connection is not None)
    )
    reader = ImportReader(rows, connection, CONNECTIONS)  # type: ignore[arg-type]
    while reader.next_batch(2):
        pass
    return reader


def test_a_csv_file_with_bad_rows_reports_each_by_its_line_and_keeps_the_rest() -> None:
    field_over_the_limit = b'"' + b"x" * (csv.field_size_limit() + 1) + b'"'
    data = b"\r\n".join(
        [
            b"\xef\xbb\xbfexternal_id,name,labels",  # 1: header, with a byte-order mark
            b"1,Alice,vip",  # 2
            b"2,Bad \xff byte,",  # 3: not UTF-8
            b"",  # 4: blank
            b'3,"Two',  # 5: a quoted name over two lines ...
            b'lines",',  # 6
            b"4," + field_over_the_limit + b",",  # 7
            b"5,NUL \x00 inside,",  # 8
            b"6,Long label," + b"y" * 201,  # 9
            b"7,Bob,",  # 10
        ]
    )
    reader = read(data, connection="tg-main")
    assert (reader.read, reader.accepted, reader.rejected) == (7, 3, 4)
    assert [(e.line, e.error.split(":")[0]) for e in reader.errors] == [
        (3, "not UTF-8 (byte 0xff at column 7)"),
        (7, "not CSV"),
        (8, "name"),
        (9, "labels"),
    ]
    assert "field larger than field limit" in reader.errors[1].error
    assert "NUL" in reader.errors[2].error


def test_the_lines_after_a_field_over_the_limit_are_read() -> None:
    big = b"z" * (csv.field_size_limit() + 10)
    reader = read(b"external_id,note\n1," + big + b"\n2,after\n", connection="tg-main")
    assert (reader.accepted, [e.line for e in reader.errors]) == (1, [2])


def test_json_lines_with_bad_lines() -> None:
    data = b"\n".join(
        [
            b'{"external_id": "1", "connection_id": "tg-main"}',
            b'{"external_id": "2", "connection_id": "tg-main", "name": "\\ud800"}',
            b'{"external_id": "3\\u0000", "connection_id": "tg-main"}',
            b"",
            b"[" * 100_000,
            b'{"external_id": "4", "connection_id": "tg-main", "name": "\xc3"}',
            b'{"external_id": "5", "connection_id": "tg-main", "attributes": {"k\\u0000": 1}}',
            b'{"external_id": "6", "connection_id": "tg-main"}',
            b'{"external_id": "7", "connection_id": "tg-main", "attributes": {"n": 1'
            + b"0" * 5000
            + b"}}",
            b'{"external_id": "8", "connection_id": "tg-main",'
            b' "last_inbound_at": "0001-01-01T00:00+01:00"}',
        ]
    )
    reader = read(data, json_lines=True)
    assert reader.accepted == 2
    assert [(e.line, e.error) for e in reader.errors] == [
        (2, "name: contains a lone surrogate (not Unicode), which cannot be stored"),
        (3, "external_id: contains a NUL character, which cannot be stored"),
        (5, "not JSON this service reads: nested too deeply"),
        (6, "not UTF-8 (byte 0xc3 at column 59)"),
        (7, "attributes.k\x00: contains a NUL character, which cannot be stored"),
        (
            9,
            "not JSON this service reads: "
            "Exceeds the limit (4300 digits) for integer string conversion",
        ),
        (10, "last_inbound_at: Value error, the time is out of the range of dates in UTC"),
    ]


def test_a_line_over_a_mebibyte_is_an_error_of_its_own() -> None:
    huge = b"8," + b"a" * MAX_LINE_BYTES
    reader = read(b"external_id,note\n1,x\n" + huge + b"\n2,y\n", connection="tg-main")
    assert reader.accepted == 2
    assert [(e.line, e.error) for e in reader.errors] == [
        (3, f"longer than {MAX_LINE_BYTES} bytes")
    ]


@pytest.mark.parametrize(
    ("data", "connection", "message"),
    [
        (b"", "tg-main", "needs a UTF-8 header row"),
        (b"\xffexternal_id\n1\n", "tg-main", "needs a UTF-8 header row"),
        (b"name,labels\nAlice,vip\n", "tg-main", "needs an external_id column"),
        (b"external_id,name\n1,Alice\n", None, "needs a connection_id column"),
    ],
)
def test_a_csv_file_without_its_header_cannot_be_read(
    data: bytes, connection: str | None, message: str
) -> None:
    with pytest.raises(UnreadableFile, match=message):
        csv_rows(Lines(io.BytesIO(data)), connection_given=connection is not None)


def test_only_the_first_errors_are_kept_but_all_are_counted() -> None:
    rows = b"".join(b"%d,unknown\n" % n for n in range(MAX_REPORTED_ERRORS + 5))
    reader = read(b"external_id,connection_id\n" + rows)
    assert (reader.rejected, len(reader.errors)) == (MAX_REPORTED_ERRORS + 5, MAX_REPORTED_ERRORS)
    assert reader.errors[0] == RowReport(2, "connection_id: unknown connection 'unknown'")
