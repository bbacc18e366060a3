from __future__ import annotations

import pytest
from contracts.audience import ListAudience, split_id_list
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
