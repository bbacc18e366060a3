from __future__ import annotations

from contracts.personal_fields import personalize, placeholders, recipient_fields


def test_fills_name_and_first_name() -> None:
    fields = recipient_fields("Alice Smith", "42")
    assert personalize("Hello, {name}! Hi {first_name}.", fields) == "Hello, Alice Smith! Hi Alice."


def test_default_when_the_recipient_lacks_the_field() -> None:
    fields = recipient_fields(None, "42")
    assert personalize("Hello, {name|friend}!", fields) == "Hello, friend!"
    assert personalize("Hello, {name}!", fields) == "Hello, !"


def test_attributes_are_fields() -> None:
    fields = recipient_fields("Bo", "42", {"city": "Berlin", "empty": "", "none": None})
    assert (
        personalize("{city} / {empty|-} / {none|?} / {external_id}", fields)
        == "Berlin / - / ? / 42"
    )


def test_braces_that_are_not_fields_stay() -> None:
    fields = recipient_fields("Bo", "1")
    text = 'JSON {"a": 1}, empty {}, spaced { name }'
    assert personalize(text, fields) == text


def test_placeholders_lists_fields_once_in_order() -> None:
    assert placeholders("{name} {city|x} {name}") == ["name", "city"]
