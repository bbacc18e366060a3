from __future__ import annotations

import pytest
from contracts.campaigns import CampaignRequestedV1
from pydantic import ValidationError
from service_kit.errors import field_errors, field_path, summarize


def test_paths_drop_the_union_tag_and_index_lists() -> None:
    assert field_path(("audience", "filter", "labels_any", 0)) == "audience.labels_any[0]"
    assert field_path(("content", "text", "text")) == "content.text"
    assert field_path(()) == "body"


def test_every_problem_is_named_by_its_field() -> None:
    with pytest.raises(ValidationError) as raised:
        CampaignRequestedV1.model_validate(
            {
                "request_id": "r",
                "tenant_id": "acme",
                "audience": {"kind": "list", "external_ids": ["1", "a b"]},
                "content": {"kind": "text", "text": ""},
            }
        )
    fields = [e.field for e in field_errors(raised.value)]
    assert fields == ["audience.external_ids[1]", "content.text"]
    assert summarize(raised.value).startswith("audience.external_ids[1]: ")
