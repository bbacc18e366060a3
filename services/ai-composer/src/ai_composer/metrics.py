"""The composer's Prometheus metrics."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram


class ComposerMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.composed = Counter(
            "composer_texts",
            "Texts handed to the dispatchers, by backend and outcome: written (by the "
            "backend), fallback (the campaign's fallback text), reused (stored earlier)",
            ["backend", "outcome"],
            registry=registry,
        )
        self.generation = Histogram(
            "composer_generation_seconds",
            "Time one draft took the backend, retries included",
            ["backend"],
            buckets=(0.001, 0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
            registry=registry,
        )
        self.fallbacks = Counter(
            "composer_fallbacks",
            "Deliveries sent the fallback text, by reason: timeout, error, refusal, "
            "rejected (every draft failed the checks)",
            ["reason"],
            registry=registry,
        )
        self.regenerations = Counter(
            "composer_regenerations",
            "Drafts refused by the checks and written again, by the check that refused them",
            ["reason"],
            registry=registry,
        )
        self.samples = Counter(
            "composer_samples",
            "Sample texts written for dry runs (never sent nor counted above), by outcome: "
            "written (by the backend), fallback (the fallback text)",
            ["outcome"],
            registry=registry,
        )
        self.model_retries = Counter(
            "composer_model_retries",
            "Requests to the model retried, by cause: rate_limited, server_error, connection",
            ["cause"],
            registry=registry,
        )
