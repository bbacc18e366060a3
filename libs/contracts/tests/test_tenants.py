"""A digest of credentials names them the same way in every service, and tells
two sets apart, without holding the secret."""

from __future__ import annotations

from contracts.tenants import credentials_digest


def test_the_digest_does_not_depend_on_key_order() -> None:
    one = credentials_digest({"access_token": "EAAG-a", "phone_number_id": "123"})
    other = credentials_digest({"phone_number_id": "123", "access_token": "EAAG-a"})
    assert one == other
    assert len(one) == 32


def test_other_credentials_give_another_digest_without_the_secret() -> None:
    one = credentials_digest({"token": "1:" + "a" * 35})
    other = credentials_digest({"token": "1:" + "b" * 35})
    assert one != other
    assert "a" * 35 not in one
