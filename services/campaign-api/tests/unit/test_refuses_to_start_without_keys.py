"""Outside development, campaign-api does not start without `SECRETS_KEYS`: it
exits at once saying which setting is missing and how to make a key."""

from __future__ import annotations

from test_support.system import assert_refuses_to_start_without_keys


def test_without_secrets_keys_the_service_exits_naming_the_setting() -> None:
    assert_refuses_to_start_without_keys("campaign-api", "CAMPAIGN_API_PORT")
