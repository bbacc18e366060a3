"""Audiences as selections: who is listed, which conditions apply, and estimates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from audience_resolver.domain import (
    Conditions,
    Listed,
    Missed,
    Unreached,
    Unresolvable,
    Uploaded,
    estimate_of,
    like_pattern,
    normalized_locale,
    selection_of,
    unresolvable_estimate,
)
from contracts.audience import (
    AllAudience,
    ContactsAudience,
    FilterAudience,
    ListAudience,
)
from contracts.audience import TestAudience as OwnDialogAudience  # not a test class

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def test_selected_dialogs_of_other_connections_are_not_this_ones() -> None:
    audience = ContactsAudience(contact_ids=["tg-main:3", "wa-main:1", "tg-main:2"])
    assert selection_of(audience, connection_id="tg-main", now=NOW) == Listed(
        external_ids=["3", "2"], connection_ids=["tg-main", "tg-main"], reports_unknown=False
    )


def test_selected_dialogs_of_every_connection_keep_their_connection() -> None:
    audience = ContactsAudience(contact_ids="tg-main:3, wa-main:1")
    selection = selection_of(audience, connection_id=None, now=NOW)
    assert selection == Listed(
        external_ids=["3", "1"], connection_ids=["tg-main", "wa-main"], reports_unknown=False
    )


def test_a_list_names_people_on_any_connection_and_reports_the_unknown() -> None:
    audience = ListAudience(external_ids="7 5\n7, 9")
    assert selection_of(audience, connection_id="tg-main", now=NOW) == Listed(
        external_ids=["7", "5", "9"], connection_ids=[None, None, None], reports_unknown=True
    )


def test_an_uploaded_list_is_selected_by_its_id() -> None:
    list_id = UUID("3f1d6c2e-8b7a-4f7e-9c1d-2a5b6c7d8e9f")
    selection = selection_of(ListAudience(list_id=list_id), connection_id=None, now=NOW)
    assert selection == Uploaded(list_id)


def test_a_test_audience_is_a_list_of_one() -> None:
    selection = selection_of(OwnDialogAudience(external_id="42"), connection_id="tg-main", now=NOW)
    assert selection == Listed(external_ids=["42"], connection_ids=[None], reports_unknown=True)


def test_all_is_no_condition() -> None:
    assert selection_of(AllAudience(), connection_id="tg-main", now=NOW) == Conditions()


def test_a_filter_becomes_conditions() -> None:
    audience = FilterAudience(
        channels=["telegram"],
        connection_ids=["tg-main"],
        labels_any=["vip", "gold"],
        labels_all=["newsletter"],
        functions_executed=["booking"],
        last_inbound_within="7d 12h",
        locales=["en_US", " DE "],
        name_contains="50%_off",
    )
    assert selection_of(audience, connection_id=None, now=NOW) == Conditions(
        channels=["telegram"],
        connection_ids=["tg-main"],
        labels_any=["vip", "gold"],
        labels_all=["newsletter"],
        functions_all=["booking"],
        inbound_since=NOW - timedelta(days=7, hours=12),
        locales=["en-us", "de"],
        name_pattern="%50\\%\\_off%",
    )


def test_an_absent_filter_condition_stays_absent() -> None:
    assert selection_of(FilterAudience(), connection_id=None, now=NOW) == Conditions()


def test_locales_compare_case_and_separator_blind() -> None:
    assert normalized_locale("pt_BR") == normalized_locale("pt-br") == "pt-br"


def test_a_name_fragment_matches_its_wildcards_literally() -> None:
    assert like_pattern("a\\b") == "%a\\\\b%"


def test_an_estimate_names_the_connection_asked_about_even_at_zero() -> None:
    estimate = estimate_of({}, Unreached(), connection_id="tg-main")
    assert estimate.audience_size == 0
    assert estimate.by_connection == {"tg-main": 0}


def test_an_estimate_of_every_connection_adds_them_up() -> None:
    unreached = Unreached(unknown=Missed(1, ["404"]), opted_out=Missed(2, ["7", "8"]))
    estimate = estimate_of({"tg-main": 3, "wa-main": 2}, unreached, connection_id=None)
    assert estimate.audience_size == 5
    assert estimate.by_connection == {"tg-main": 3, "wa-main": 2}
    assert (estimate.unknown_count, estimate.unknown_external_ids) == (1, ["404"])
    assert (estimate.opted_out_count, estimate.opted_out_external_ids) == (2, ["7", "8"])
    assert estimate.error is None


def test_an_audience_that_cannot_be_resolved_is_an_empty_estimate_saying_why() -> None:
    estimate = unresolvable_estimate(Unresolvable("no such list"), connection_id="tg-main")
    assert (estimate.audience_size, estimate.by_connection) == (0, {"tg-main": 0})
    assert estimate.error == "no such list"
