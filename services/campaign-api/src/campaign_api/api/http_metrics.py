"""HTTP request metrics of the API, on the runtime's registry (its `/metrics`):

- `http_requests_total{method,handler,status}`
- `http_request_duration_seconds{method,handler}` (histogram)

`handler` is the route template (`/v1/campaigns/{campaign_id}`), `none` for a
request no route answers; `status` is grouped (`2xx` ... `5xx`); `method` is one
of `METHODS` or `other`.  So no id and nothing a client makes up becomes a label
value.  `/metrics`, `/health` and `/live` are not counted.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import FastAPI
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_fastapi_instrumentator import Instrumentator
from prometheus_fastapi_instrumentator.metrics import Info

EXCLUDED = ["^/metrics$", "^/health$", "^/live$"]
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
UNMATCHED = "none"


class HttpMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "http_requests",
            "HTTP requests, by method, route template and status class",
            ["method", "handler", "status"],
            registry=registry,
        )
        self.duration = Histogram(
            "http_request_duration_seconds",
            "Seconds to answer an HTTP request, by method and route template",
            ["method", "handler"],
            buckets=DURATION_BUCKETS,
            registry=registry,
        )

    def __call__(self, info: Info) -> None:
        method = info.method if info.method in METHODS else "other"
        handler = UNMATCHED if _slash_redirect(info) else info.modified_handler
        self.requests.labels(method, handler, info.modified_status).inc()
        self.duration.labels(method, handler).observe(info.modified_duration)


def _slash_redirect(info: Info) -> bool:
    """Whether the router redirected to the path with its trailing slash toggled: no
    route answered it, but the instrumentator labels it with the path as requested,
    ids and all."""
    if info.response is None or info.response.status_code not in (307, 308):
        return False
    path = info.request.url.path
    toggled = path[:-1] if path.endswith("/") else f"{path}/"
    return urlsplit(info.response.headers.get("location", "")).path == toggled


def instrument(app: FastAPI, registry: CollectorRegistry) -> None:
    """Count `app`'s requests into `registry` (a middleware around everything added
    before, so refusals of the body limit are counted too)."""
    instrumentator = Instrumentator(
        should_group_status_codes=True,
        should_group_untemplated=True,
        excluded_handlers=EXCLUDED,
        registry=registry,
    )
    instrumentator.add(HttpMetrics(registry))
    instrumentator.instrument(app)
