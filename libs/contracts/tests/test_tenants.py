"""A digest of credentials names them the same way in every service, and tells
two sets apart, without holding the secret."""

from __future__ import annotations

from contracts.catalog import CATALOG
from contracts.names import RoutingKey
from contracts.tenants import ConnectionUpdatedV1, credentials_digest


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


def test_a_connection_update_carries_its_credentials_sealed_not_in_clear() -> None:
    (entry,) = [e for e in CATALOG if e.routing_key == RoutingKey.CONNECTION_UPDATED]
    event = ConnectionUpdatedV1.model_validate(entry.example())
    assert event.credentials == {}
    assert event.sealed_credentials is not None
    assert "token" not in event.sealed_credentials
    assert entry.model.model_json_schema()["properties"]["credentials"]["deprecated"] is True
