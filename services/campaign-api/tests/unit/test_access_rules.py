"""Who may do what, as every use case checks it: the platform key manages
tenants, a tenant's keys act in their tenant, only its admins change things."""

from __future__ import annotations

import pytest
from campaign_api.domain.model import Principal, Refusal
from campaign_api.usecases.access import admin_tenant, check_platform, member_tenant

PLATFORM = Principal(tenant_id=None, role="platform", key_id="platform")
ADMIN = Principal(tenant_id="t-1", role="admin", key_id="k-admin")
OPERATOR = Principal(tenant_id="t-1", role="operator", key_id="k-operator")


def test_a_tenants_keys_act_in_their_own_tenant() -> None:
    assert member_tenant(ADMIN) == "t-1"
    assert member_tenant(OPERATOR) == "t-1"
    assert admin_tenant(ADMIN) == "t-1"


@pytest.mark.parametrize(
    ("check", "caller", "words"),
    [
        (member_tenant, PLATFORM, "the platform key only manages tenants"),
        (admin_tenant, PLATFORM, "the platform key only manages tenants"),
        (admin_tenant, OPERATOR, "not an operator's"),
        (check_platform, ADMIN, "needs the platform key"),
        (check_platform, OPERATOR, "needs the platform key"),
    ],
)
def test_a_key_beyond_its_role_is_forbidden(check: object, caller: Principal, words: str) -> None:
    assert callable(check)
    with pytest.raises(Refusal) as refused:
        check(caller)
    assert (refused.value.status, refused.value.code) == (403, "forbidden")
    assert words in refused.value.reason


def test_the_platform_key_passes_the_platform_check() -> None:
    check_platform(PLATFORM)
