from __future__ import annotations

import pytest
from campaign_api.domain.contact_rows import RowError, from_csv_row, from_json_line, to_record

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
