"""What Telegram's MTProto errors (Telethon's own exception classes) mean for a
delivery of a personal account."""

from __future__ import annotations

import asyncio

import pytest
from dispatch_core.model import ConnectionBlocked, Failed, RateLimited, Retry
from dispatcher_telegram.personal_account import UnknownPerson, error_name, outcome_of
from telethon import errors


def test_flood_wait_waits_the_seconds_telegram_names_then_resends() -> None:
    outcome = outcome_of(errors.FloodWaitError(request=None, capture=42))
    assert outcome == RateLimited(42.0, "FLOOD_WAIT", "Telegram asked to wait 42 s")


@pytest.mark.parametrize(
    "error",
    [errors.FloodPremiumWaitError(request=None, capture=7), errors.SlowModeWaitError(None, 7)],
)
def test_other_flood_waits_wait_too(error: Exception) -> None:
    outcome = outcome_of(error)
    assert isinstance(outcome, RateLimited)
    assert outcome.retry_after == 7.0


def test_peer_flood_pauses_the_account_and_says_so() -> None:
    outcome = outcome_of(errors.PeerFloodError(request=None))
    assert isinstance(outcome, ConnectionBlocked)
    assert outcome.code == "PEER_FLOOD"
    assert "limited this account for spam" in outcome.reason
    assert outcome.pause_seconds >= 3600


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (errors.AuthKeyUnregisteredError(request=None), "AUTH_KEY_UNREGISTERED"),
        (errors.SessionRevokedError(request=None), "SESSION_REVOKED"),
        (errors.UserDeactivatedBanError(request=None), "USER_DEACTIVATED_BAN"),
        (errors.AuthKeyDuplicatedError(request=None), "AUTH_KEY_DUPLICATED"),
    ],
)
def test_a_session_telegram_no_longer_accepts_pauses_the_account(
    error: Exception, code: str
) -> None:
    outcome = outcome_of(error)
    assert isinstance(outcome, ConnectionBlocked)
    assert outcome.code == code
    assert "sign in again and update the connection's credentials" in outcome.reason


@pytest.mark.parametrize(
    ("error", "code", "says"),
    [
        (errors.UserIsBlockedError(request=None), "USER_IS_BLOCKED", "blocked this account"),
        (errors.InputUserDeactivatedError(request=None), "INPUT_USER_DEACTIVATED", "deleted"),
        (errors.UserPrivacyRestrictedError(request=None), "USER_PRIVACY_RESTRICTED", "privacy"),
        (errors.PeerIdInvalidError(request=None), "PEER_ID_INVALID", "does not know"),
        (ValueError("Could not find the input entity"), "PEER_UNKNOWN", "input entity"),
        (UnknownPerson("user 5 is not among the recent dialogs"), "PEER_UNKNOWN", "user 5"),
        (errors.ChatWriteForbiddenError(request=None), "CHAT_WRITE_FORBIDDEN", "write"),
    ],
)
def test_refusals_about_the_person_fail_the_message(error: Exception, code: str, says: str) -> None:
    outcome = outcome_of(error)
    assert isinstance(outcome, Failed)
    assert outcome.code == code
    assert says in outcome.reason


@pytest.mark.parametrize(
    "error",
    [
        errors.ServerError(request=None, message="INTERNAL", code=500),
        errors.RPCError(request=None, message="NO_WORKERS_RUNNING", code=503),
        errors.TimedOutError(request=None, message="Timeout", code=-503),
        ConnectionError("Connection to Telegram failed 5 time(s)"),
        OSError("Network is unreachable"),
        asyncio.IncompleteReadError(b"", 8),
        TimeoutError(),
    ],
)
def test_server_and_network_failures_are_retried(error: Exception) -> None:
    assert isinstance(outcome_of(error), Retry)


def test_errors_are_named_as_telegram_names_them() -> None:
    assert error_name(errors.FloodWaitError(request=None, capture=1)) == "FLOOD_WAIT"
    assert error_name(errors.RPCError(request=None, message="SOMETHING_NEW", code=400)) == (
        "SOMETHING_NEW"
    )


def test_anything_else_is_not_swallowed() -> None:
    with pytest.raises(RuntimeError):
        outcome_of(RuntimeError("a bug"))
