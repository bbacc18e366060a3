"""Values no platform sends and no database stores are refused where the
contracts parse them, with the field named: a NUL character in any text of an
`Input`, a start time more than a hundred years ahead, a media `file` that is
neither an http(s) URL nor a platform file id, and values pydantic would read
though the JSON Schema refuses them: `true` for a number, a number for a time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from contracts.audience import ContactsAudience
from contracts.base import STORED
from contracts.campaigns import CampaignRequestedV1
from contracts.content import MediaContent
from contracts.scheduling import CampaignStep
from contracts.tenants import ConnectionLimits
from contracts.timing import TimeFormatError, parse_start_time
from pydantic import ValidationError

NOW = datetime(2026, 11, 23, 10, 0, 0, tzinfo=UTC)


def request(**changes: Any) -> dict[str, Any]:
    return {
        "request_id": "r-1",
        "tenant_id": "acme",
        "name": "Sale",
        "audience": {"kind": "all"},
        "content": {"kind": "text", "text": "Hello"},
        **changes,
    }


def refused_fields(body: dict[str, Any]) -> list[tuple[Any, ...]]:
    with pytest.raises(ValidationError) as caught:
        CampaignRequestedV1.model_validate(body)
    return [error["loc"] for error in caught.value.errors()]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "Sale\x00"}, ("name",)),
        ({"requested_by": "crm\x00"}, ("requested_by",)),
        ({"request_id": "r\x00"}, ("request_id",)),
        ({"content": {"kind": "text", "text": "Hi\x00"}}, ("content", "text", "text")),
        (
            {"content": {"kind": "media", "media_type": "photo", "file": "x", "caption": "\x00"}},
            ("content", "media", "caption"),
        ),
        (
            {"audience": {"kind": "filter", "labels_any": ["vip\x00"]}},
            ("audience", "filter", "labels_any"),
        ),
        (
            {"audience": {"kind": "contacts", "contact_ids": ["tg:1\x00"]}},
            ("audience", "contacts", "contact_ids"),
        ),
    ],
)
def test_a_nul_character_is_refused_naming_the_field(
    changes: dict[str, Any], field: tuple[str, ...]
) -> None:
    locations = refused_fields(request(**changes))
    assert any(loc[: len(field)] == field for loc in locations), locations


def test_the_nul_message_says_what_to_fix() -> None:
    with pytest.raises(ValidationError, match=r"NUL character .*remove it"):
        CampaignRequestedV1.model_validate(request(name="a\x00b"))


def test_text_without_nul_passes_untouched() -> None:
    parsed = ContactsAudience.model_validate({"contact_ids": ["tg-main:1", "tg-main:2"]})
    assert parsed.contact_ids == ["tg-main:1", "tg-main:2"]


@pytest.mark.parametrize(
    "text", ["9999-12-31 23:59:59", "9999-12-31T23:59:59+00:00", "2127-01-01 00:00"]
)
def test_a_start_more_than_a_hundred_years_ahead_is_refused(text: str) -> None:
    with pytest.raises(TimeFormatError, match="more than a hundred years ahead"):
        parse_start_time(text, NOW)


def test_a_start_within_a_hundred_years_is_kept() -> None:
    assert parse_start_time("2099-01-01 00:00", NOW) == datetime(2099, 1, 1, tzinfo=UTC)


def test_a_year_9999_start_at_is_refused_as_start_at() -> None:
    assert refused_fields(request(start_at="9999-12-31T23:59:59Z")) == [("start_at",)]


@pytest.mark.parametrize(
    "file",
    [
        "https://example.com/sale.jpg",
        "http://cdn.example/a.jpg?x=1",
        "AgACAgIAAxkBAAIBY2Z-abc_DEF",
        "1234567890123456",
        "att-1",
    ],
)
def test_media_file_takes_http_urls_and_file_ids(file: str) -> None:
    assert MediaContent(media_type="photo", file=file).file == file


@pytest.mark.parametrize(
    "file",
    [
        "file:///etc/passwd",
        "ftp://example.com/a.jpg",
        "javascript:alert(1)",
        "data:image/png;base64,AAAA",
        "https://",
        "https:///etc/passwd",
        "/etc/passwd",
        "../secret.jpg",
        "https://example.com/a b.jpg",
        "gopher://x/",
    ],
)
def test_media_file_refuses_other_schemes_and_paths(file: str) -> None:
    with pytest.raises(ValidationError) as caught:
        MediaContent(media_type="photo", file=file)
    (error,) = caught.value.errors()
    assert error["loc"] == ("file",)
    assert "http:// or https:// URL" in error["msg"]


def test_a_file_stored_before_the_check_stays_readable() -> None:
    """Campaigns and templates stored before the check are read with `STORED`."""
    stored = {"kind": "media", "media_type": "photo", "file": "ftp://old.example/a.jpg"}
    assert MediaContent.model_validate(stored, context=STORED).file == stored["file"]
    step = CampaignStep.model_validate({"step_no": 1, "content": stored}, context=STORED)
    assert isinstance(step.content, MediaContent)
    with pytest.raises(ValidationError):
        MediaContent.model_validate(stored)


@pytest.mark.parametrize(
    ("model", "given", "what"),
    [
        (
            ConnectionLimits,
            {"reply_window_hours": False},
            "reply_window_hours: a number, not false",
        ),
        (ConnectionLimits, {"max_attempts": True}, "max_attempts: a number, not true"),
        (CampaignRequestedV1, request(interval_seconds=True), "interval_seconds: a number"),
        (CampaignRequestedV1, request(start_at=1_800_000_000), "start_at"),
    ],
)
def test_json_values_of_another_type_are_not_read_as_numbers_or_times(
    model: type[Any], given: dict[str, Any], what: str
) -> None:
    with pytest.raises(ValidationError, match=what):
        model.model_validate(given)


def test_numbers_and_times_of_their_own_type_are_read() -> None:
    assert (
        ConnectionLimits.model_validate({"max_attempts": 3, "min_gap_seconds": 1}).max_attempts == 3
    )
    assert CampaignRequestedV1.model_validate(request(interval_seconds=2)).interval_seconds == 2.0
