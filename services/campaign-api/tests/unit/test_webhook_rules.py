"""The webhooks' pure rules: signatures as a receiver verifies them, the
addresses refused before any lookup, the progress steps, and what follows an
attempt (with the clock given: the 24-hour give-up without waiting a day)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from campaign_api.webhooks.addresses import AddressRefused, check_url
from campaign_api.webhooks.events import progress_reached
from campaign_api.webhooks.retries import Attempted, RetryPolicy
from campaign_api.webhooks.signing import new_secret, signature_header, verify
from service_kit.backoff import Backoff

SECRET = "whsec_test"
BODY = b'{"type":"campaign.started"}'
NOW = 1_800_000_000


def test_a_signature_verifies_only_for_its_body_secret_and_time() -> None:
    header = signature_header(SECRET, NOW, BODY)
    assert header.startswith(f"t={NOW},v1=")
    assert verify(SECRET, header, BODY, now=NOW + 299)
    assert not verify(SECRET, header, BODY + b" ", now=NOW)
    assert not verify("whsec_other", header, BODY, now=NOW)
    assert not verify(SECRET, header, BODY, now=NOW + 301)  # replayed later
    assert not verify(SECRET, header.replace(f"t={NOW}", f"t={NOW + 1}"), BODY, now=NOW)
    assert not verify(SECRET, "v1=" + header.split("v1=")[1], BODY, now=NOW)


def test_secrets_are_new_each_time() -> None:
    first, second = new_secret(), new_secret()
    assert first != second
    assert first.startswith("whsec_")
    assert len(first) > 40


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/x",
        "http://example.com/x",
        "https:///x",
        "https://user:pw@example.com/x",
        "https://127.0.0.1/x",
        "https://10.0.0.1/x",
        "https://172.16.5.4/x",
        "https://[fd00::1]/x",
        "https://[::ffff:127.0.0.1]/x",
        "https://0.0.0.0/x",
        "https://224.0.0.1/x",
    ],
)
def test_refused_before_any_lookup(url: str) -> None:
    with pytest.raises(AddressRefused):
        check_url(url, allow_private=False)


def test_allowed_addresses() -> None:
    assert check_url("https://example.com/hooks", allow_private=False) == ("example.com", 443)
    assert check_url("https://8.8.8.8:8443/h", allow_private=False) == ("8.8.8.8", 8443)
    assert check_url("http://127.0.0.1:9000/h", allow_private=True) == ("127.0.0.1", 9000)


@pytest.mark.parametrize(
    ("finished", "total", "step", "reached"),
    [
        (0, 10, 10, 0),
        (1, 10, 25, 0),
        (3, 10, 25, 25),
        (6, 10, 25, 50),
        (10, 10, 25, 100),
        (999, 1000, 10, 90),
        (5, 0, 10, 0),
        (12, 10, 10, 100),
    ],
)
def test_progress_steps(finished: int, total: int, step: int, reached: int) -> None:
    assert progress_reached(finished, total, step) == reached


POLICY = RetryPolicy(Backoff(first=30, longest=3600), timedelta(hours=24))
MADE = datetime(2026, 12, 1, tzinfo=UTC)


def test_a_2xx_is_delivered_anything_else_retried_with_backoff() -> None:
    assert POLICY.after(Attempted(204, None), attempts=1, created_at=MADE, now=MADE).status == (
        "delivered"
    )
    for code in (None, 301, 400, 404, 410, 429, 500):
        then = POLICY.after(Attempted(code, "x"), attempts=3, created_at=MADE, now=MADE)
        assert then.status == "pending"
        assert then.next_attempt_at == MADE + timedelta(seconds=120)
    later = POLICY.after(Attempted(500, "x"), attempts=20, created_at=MADE, now=MADE)
    assert later.next_attempt_at == MADE + timedelta(hours=1)


def test_the_last_attempt_is_at_24_hours_and_a_failure_then_ends_it() -> None:
    almost = MADE + timedelta(hours=23, minutes=50)
    then = POLICY.after(Attempted(500, "x"), attempts=25, created_at=MADE, now=almost)
    assert then.status == "pending"
    assert then.next_attempt_at == MADE + timedelta(hours=24)
    ended = POLICY.after(
        Attempted(500, "x"), attempts=26, created_at=MADE, now=MADE + timedelta(hours=24)
    )
    assert (ended.status, ended.next_attempt_at) == ("failed", None)
    late = POLICY.after(
        Attempted(200, None), attempts=26, created_at=MADE, now=MADE + timedelta(hours=25)
    )
    assert late.status == "delivered"
