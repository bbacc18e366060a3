"""HTTP request metrics on the runtime's `/metrics`: labelled by route template and
status class; ids, unknown paths and made-up methods add no label values; the
probes and `/metrics` itself are not counted.  `/live` answers beside `/health`."""

from __future__ import annotations

import uuid

from prometheus_client.parser import text_string_to_metric_families

from .conftest import Api, Tenant

CAMPAIGN = "/v1/campaigns/{campaign_id}"


async def scrape(api: Api) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of `/metrics`, by name and labels."""
    text = (await api.call(None, "GET", "/metrics/", expect=200)).text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def requests(method: str, handler: str, status: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    labels = {"method": method, "handler": handler, "status": status}
    return "http_requests_total", tuple(sorted(labels.items()))


def handlers(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float]) -> set[str]:
    return {
        dict(labels)["handler"]
        for name, labels in samples
        if name.startswith("http_request") and "handler" in dict(labels)
    }


async def test_requests_are_counted_by_route_template_and_status_class(
    api: Api, tenant: Tenant
) -> None:
    before = await scrape(api)
    missing = uuid.uuid4()
    await api.call(tenant.admin, "GET", f"/v1/campaigns/{missing}", expect=404)
    await api.call(tenant.admin, "GET", f"/v1/campaigns/{uuid.uuid4()}", expect=404)
    await api.call(tenant.admin, "GET", "/v1/campaigns/not-a-uuid", expect=422)
    await api.call(tenant.admin, "GET", f"/v1/tenants/{tenant.id}", expect=200)
    await api.call(tenant.admin, "GET", f"/v1/no-such-thing/{missing}", expect=404)
    await api.call(tenant.admin, "GET", f"/v1/campaigns/{missing}/", expect=307)
    await api.call(tenant.admin, "BREW", f"/v1/campaigns/{missing}", expect=405)
    await api.call(None, "GET", "/live", expect=200)
    await api.call(None, "GET", "/health", expect=200)
    after = await scrape(api)

    def grew(key: tuple[str, tuple[tuple[str, str], ...]]) -> float:
        return after.get(key, 0) - before.get(key, 0)

    assert grew(requests("GET", CAMPAIGN, "4xx")) == 3
    assert grew(requests("GET", "/v1/tenants/{tenant_id}", "2xx")) == 1
    assert grew(requests("GET", "none", "4xx")) == 1
    assert grew(requests("GET", "none", "3xx")) == 1
    assert grew(requests("other", CAMPAIGN, "4xx")) == 1
    duration = ("http_request_duration_seconds_count", (("handler", CAMPAIGN), ("method", "GET")))
    assert grew(duration) == 3
    seen = handlers(after)
    assert not any(str(missing) in handler for handler in seen), seen
    assert not {"/metrics", "/health", "/live"} & seen, seen


async def test_live_answers_beside_health(api: Api) -> None:
    live = await api.call(None, "GET", "/live", expect=200)
    assert live.json() == {"service": "campaign-api", "live": True}
