"""Every message has a valid example, and the checked-in schemas match the models."""

from __future__ import annotations

import pytest
from contracts.catalog import CATALOG, Entry
from contracts.schemas import SCHEMA_DIR, rendered_schemas


@pytest.mark.parametrize("entry", CATALOG, ids=lambda e: e.routing_key)
def test_example_payload_is_valid(entry: Entry) -> None:
    example = entry.example()
    message = entry.model.model_validate(example)
    assert entry.model.model_validate_json(message.model_dump_json()) == message


def test_routing_keys_are_versioned_and_unique() -> None:
    keys = [entry.routing_key for entry in CATALOG]
    assert len(keys) == len(set(keys))
    assert all(key.rsplit(".", 1)[-1].startswith("v") for key in keys)


def test_checked_in_schemas_match_the_models() -> None:
    expected = rendered_schemas()
    on_disk = {path.name: path.read_text(encoding="utf-8") for path in SCHEMA_DIR.glob("*.json")}
    stale = sorted(name for name in expected if on_disk.get(name) != expected[name])
    extra = sorted(set(on_disk) - set(expected))
    assert not stale, f"schemas out of date: {stale}; run `make schemas`"
    assert not extra, f"schemas no longer produced: {extra}; run `make schemas`"


def test_public_request_refuses_unknown_fields() -> None:
    entry = next(e for e in CATALOG if e.routing_key == "campaign.requested.v1")
    with pytest.raises(ValueError, match="interval_second"):
        entry.model.model_validate({**entry.example(), "interval_second": 5})


def test_events_tolerate_fields_added_later() -> None:
    entry = next(e for e in CATALOG if e.routing_key == "campaign.completed.v1")
    entry.model.model_validate({**entry.example(), "added_in_a_later_version": True})
