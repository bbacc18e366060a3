"""The box that seals the platforms' credentials: what it seals only its keys
open, the newest key seals, any key opens (so keys can be rotated), and a service
without keys refuses to start, naming the setting and how to make a key."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from service_kit.errors import StartupRefused
from service_kit.secrets import DEVELOPMENT_KEY, SecretBox, SecretUnreadable, parse_keys
from service_kit.settings import SecretsSettings

TOKEN = "123456789:AAH-a-bot-token-that-must-stay-secret"


def key() -> str:
    return Fernet.generate_key().decode()


@pytest.fixture(autouse=True)
def no_keys_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRETS_KEYS", raising=False)
    monkeypatch.delenv("ENVIRONMENT", raising=False)


def settings(**values: str) -> SecretsSettings:
    return SecretsSettings.model_validate(values)


def test_sealed_credentials_hold_no_part_of_the_secret_and_open_again() -> None:
    box = SecretBox([key()])
    sealed = box.seal_credentials({"token": TOKEN})
    assert "AAH-a-bot-token" not in sealed
    assert "123456789" not in sealed
    assert box.open_credentials(sealed) == {"token": TOKEN}


def test_another_key_cannot_open_what_one_sealed() -> None:
    sealed = SecretBox([key()]).seal(TOKEN)
    with pytest.raises(SecretUnreadable) as refused:
        SecretBox([key()]).open(sealed)
    assert "SECRETS_KEYS" in str(refused.value)
    assert TOKEN not in str(refused.value)


def test_a_text_that_was_never_sealed_is_unreadable() -> None:
    with pytest.raises(SecretUnreadable):
        SecretBox([key()]).open("not sealed at all")


def test_after_a_rotation_what_the_old_key_sealed_still_opens() -> None:
    old, new = key(), key()
    sealed_before = SecretBox([old]).seal_credentials({"token": TOKEN})
    rotated = SecretBox([new, old])
    assert rotated.open_credentials(sealed_before) == {"token": TOKEN}
    assert not rotated.sealed_with_newest(sealed_before)


def test_the_newest_key_seals_and_rotate_seals_again_with_it() -> None:
    old, new = key(), key()
    box = SecretBox([new, old])
    assert SecretBox([new]).open(box.seal(TOKEN)) == TOKEN
    resealed = box.rotate(SecretBox([old]).seal(TOKEN))
    assert box.sealed_with_newest(resealed)
    assert SecretBox([new]).open(resealed) == TOKEN  # the old key can go now


def test_keys_are_comma_separated_newest_first() -> None:
    assert parse_keys(" a, b ,,c ") == ["a", "b", "c"]
    assert parse_keys("") == []


def test_without_keys_a_service_refuses_to_start_naming_the_setting() -> None:
    with pytest.raises(StartupRefused) as refused:
        SecretBox.from_settings(settings())
    said = str(refused.value)
    assert "SECRETS_KEYS is not set" in said
    assert "Fernet.generate_key()" in said  # how to make one
    assert "ENVIRONMENT=development" in said


def test_a_malformed_key_is_refused_without_showing_it() -> None:
    with pytest.raises(StartupRefused) as refused:
        SecretBox.from_settings(settings(secrets_keys=f"{key()},not-a-key-at-all"))
    said = str(refused.value)
    assert "key 2 of 2 is not a Fernet key" in said
    assert "not-a-key-at-all" not in said


def test_in_development_without_keys_the_known_development_key_seals() -> None:
    box = SecretBox.from_settings(settings(environment="development"))
    assert SecretBox([DEVELOPMENT_KEY]).open(box.seal(TOKEN)) == TOKEN


def test_given_keys_win_over_development() -> None:
    mine = key()
    box = SecretBox.from_settings(settings(environment="development", secrets_keys=mine))
    assert SecretBox([mine]).open(box.seal(TOKEN)) == TOKEN


def test_the_keys_are_never_shown_with_the_settings() -> None:
    mine = key()
    shown = settings(secrets_keys=mine)
    assert mine not in repr(shown)
    assert mine not in str(shown.model_dump())
