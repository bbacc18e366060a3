"""Signing in to the console and what a session allows: an unknown key or the
platform key is refused on the form, a session's cookie is HttpOnly and
SameSite, signing out or revoking the key ends it, a form without the session's
CSRF token (or from another origin) is refused, and a tenant's pages and live
progress never show another tenant's campaign."""

from __future__ import annotations

import uuid

from .conftest import PLATFORM_KEY, Api, Tenant, new_tenant, scheduled_campaign
from .console_browser import ORIGIN, sign_in, signed_in


async def test_an_unknown_key_and_the_platform_key_are_refused_on_the_form(api: Api) -> None:
    async with api.client(None) as client:
        unknown = await sign_in(client, "cmp_not-a-key", "/console/campaigns")
        platform = await sign_in(client, PLATFORM_KEY, "/console/campaigns")
    assert unknown.status_code == 401
    assert "unknown or revoked" in unknown.text
    assert platform.status_code == 403
    assert "sign in with a tenant" in platform.text


async def test_the_session_cookie_is_http_only_and_same_site(api: Api, tenant: Tenant) -> None:
    async with api.client(None) as client:
        answer = await sign_in(client, tenant.admin, "https://elsewhere.example/")
    cookie = answer.headers["set-cookie"].lower()
    assert "console_session=" in cookie
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    assert "path=/console" in cookie
    assert tenant.admin.lower() not in cookie
    assert answer.headers["location"] == "/console/campaigns"  # never another site


async def test_signing_in_needs_the_forms_own_token(api: Api, tenant: Tenant) -> None:
    async with api.client(None) as client:
        forged = await client.post(
            "/console/sign-in",
            data={"api_key": tenant.admin, "csrf_token": "guess", "next": "/console/campaigns"},
            headers=ORIGIN,
        )
    assert forged.status_code == 403


async def test_signing_out_ends_the_session(api: Api, tenant: Tenant) -> None:
    async with signed_in(api, tenant.admin) as admin:
        await admin.get("/console/campaigns")
        await admin.post("/console/sign-out")
        gone = await admin.client.get("/console/campaigns")
        assert gone.status_code == 303
        assert gone.headers["location"].startswith("/console/sign-in")


async def test_revoking_the_key_ends_its_sessions(api: Api) -> None:
    tenant = await new_tenant(api)
    async with signed_in(api, tenant.admin) as admin:
        await admin.get("/console/campaigns")
        await api.call(
            PLATFORM_KEY,
            "DELETE",
            f"/v1/tenants/{tenant.id}/api-keys/{tenant.key_ids['admin']}",
            expect=200,
        )
        assert (await admin.client.get("/console/campaigns")).status_code == 303


async def test_a_cancel_needs_the_sessions_token_and_this_origin(api: Api, tenant: Tenant) -> None:
    campaign_id = str(await scheduled_campaign(api, tenant, ["5001", "5002"], "to cancel"))
    path = f"/console/campaigns/{campaign_id}/cancel"
    async with signed_in(api, tenant.admin) as admin:
        await admin.post(path, expect=403, csrf=False)
        other_site = await admin.client.post(
            path, data={"csrf_token": admin.csrf}, headers={"Origin": "https://evil.example"}
        )
        assert other_site.status_code == 403
        confirm = await admin.get(path)
        assert "Yes, cancel the campaign" in confirm
        done = await admin.post(path)
        assert done.headers["location"] == f"/console/campaigns/{campaign_id}"
    found = await api.call(tenant.admin, "GET", f"/v1/campaigns/{campaign_id}", expect=200)
    assert found.json()["cancel_requested_at"] is not None


async def test_another_tenants_campaign_is_on_no_page(api: Api, tenant: Tenant) -> None:
    theirs = str(
        await scheduled_campaign(api, tenant, ["5001", "5002"], f"private {uuid.uuid4().hex[:6]}")
    )
    other = await new_tenant(api)
    async with signed_in(api, other.admin) as stranger:
        listing = await stranger.get("/console/campaigns")
        assert theirs not in listing
        for path in ("", "/report.csv", "/cancel"):
            await stranger.get(f"/console/campaigns/{theirs}{path}", expect=404)
        await stranger.post(f"/console/campaigns/{theirs}/cancel", expect=404)
        live = await stranger.client.get("/console/campaigns/live", params={"ids": [theirs]})
        assert live.json() == {}
        malformed = await stranger.get("/console/campaigns/not-a-uuid", expect=422)
        assert "campaign_id" in malformed
    async with signed_in(api, tenant.admin) as owner:
        live = await owner.client.get("/console/campaigns/live", params={"ids": [theirs]})
        assert live.json()[theirs]["status"] == "scheduled"
