from __future__ import annotations

import pytest
from contracts.audience import (
    ContactRecord,
    IdListReader,
    Junk,
    ListAudience,
    ListedId,
    split_id_list,
)
from pydantic import ValidationError


def test_id_list_mixed_separators_blank_lines_duplicates() -> None:
    text = "1, 2 3\n\n4;5\t6\r\n1,,2"
    assert split_id_list(text) == ["1", "2", "3", "4", "5", "6"]


def test_list_audience_from_a_string() -> None:
    audience = ListAudience.model_validate({"external_ids": "100 200,300\n100"})
    assert audience.external_ids == ["100", "200", "300"]


def test_list_audience_reports_junk_ids() -> None:
    with pytest.raises(ValidationError) as raised:
        ListAudience.model_validate({"external_ids": ["1", "bad:id"]})
    assert raised.value.errors()[0]["loc"] == ("external_ids", 1)


def test_list_audience_needs_an_id() -> None:
    with pytest.raises(ValidationError):
        ListAudience.model_validate({"external_ids": " ,\n "})


def test_a_list_of_other_things_is_refused_not_a_crash() -> None:
    with pytest.raises(ValidationError, match=r"external_ids\.1"):
        ListAudience.model_validate({"kind": "list", "external_ids": ["1", {"a": 1}, [2]]})


def test_list_audience_is_inline_ids_or_an_uploaded_list() -> None:
    uploaded = ListAudience.model_validate({"list_id": "3f1d6c2e-8b7a-4f7e-9c1d-2a5b6c7d8e9f"})
    assert uploaded.external_ids is None
    for neither_or_both in (
        {},
        {"external_ids": "1", "list_id": "3f1d6c2e-8b7a-4f7e-9c1d-2a5b6c7d8e9f"},
    ):
        with pytest.raises(ValidationError, match="exactly one of external_ids and list_id"):
            ListAudience.model_validate(neither_or_both)


def read_all(*chunks: bytes) -> list[ListedId | Junk]:
    reader = IdListReader()
    found = [item for chunk in chunks for item in reader.feed(chunk)]
    return found + list(reader.close())


def test_a_list_file_with_mixed_separators_blank_lines_and_duplicates() -> None:
    found = read_all(b'\xef\xbb\xbf100, 200 300\r\n\r\n\n400;500\t"600"\n100,,200\n700')
    assert found == [
        ListedId(1, "100"),
        ListedId(1, "200"),
        ListedId(1, "300"),
        ListedId(4, "400"),
        ListedId(4, "500"),
        ListedId(4, "600"),
        ListedId(5, "100"),  # duplicates are kept: the resolver keeps each id's first place
        ListedId(5, "200"),
        ListedId(6, "700"),
    ]


def test_junk_in_a_list_file_is_reported_with_its_line() -> None:
    long_id = b"9" * 129
    found = read_all(b"1 bad:id\n2\xff3 4\n" + long_id + b"\nnul\x00x 5\xc2\xa06")
    assert found == [
        ListedId(1, "1"),
        Junk(1, "bad:id", "contains ':'"),
        Junk(2, "2\ufffd3", "not UTF-8 (byte 0xff)"),
        ListedId(2, "4"),
        Junk(3, "9" * 64 + "...", "longer than 128 characters"),
        Junk(4, "nul\\x00x", "contains a NUL character"),
        ListedId(4, "5"),  # a no-break space separates too
        ListedId(4, "6"),
    ]


def test_ids_split_across_chunks_are_read_whole() -> None:
    data = b"11111, 22222\n33333 44444\n"
    for cut in range(1, len(data)):
        found = read_all(data[:cut], data[cut:])
        assert found == [
            ListedId(1, "11111"),
            ListedId(1, "22222"),
            ListedId(2, "33333"),
            ListedId(2, "44444"),
        ], cut


def test_an_endless_token_is_one_junk_and_the_next_id_is_read() -> None:
    found = read_all(b"1 ", b"x" * 5000, b"x" * 5000, b"x\n2")
    assert [type(item).__name__ for item in found] == ["ListedId", "Junk", "ListedId"]
    assert found[2] == ListedId(2, "2")
    assert isinstance(found[1], Junk)
    assert found[1].line == 1


def test_a_time_out_of_range_in_utc_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="out of the range of dates"):
        ContactRecord.model_validate(
            {
                "connection_id": "tg-main",
                "channel": "telegram",
                "external_id": "1",
                "last_inbound_at": "0001-01-01T00:00:00+01:00",
            }
        )
