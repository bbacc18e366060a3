"""What the audience-resolver tells Prometheus, beside the kit's consumer metrics."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

SNAPSHOT_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80)
ESTIMATE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)


class ResolverMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.contacts_upserted = Counter(
            "audience_contacts_upserted",
            "Contact changes applied, by source (upsert, import)",
            ["source"],
            registry=registry,
        )
        self.inbound_recorded = Counter(
            "audience_inbound_recorded",
            "Inbound messages recorded, by the command they were (stop, start, none)",
            ["command"],
            registry=registry,
        )
        self.snapshots = Counter(
            "audience_snapshots",
            "Snapshot requests, by outcome (taken, repeated: the first snapshot streamed again)",
            ["outcome"],
            registry=registry,
        )
        self.snapshot_seconds = Histogram(
            "audience_snapshot_seconds",
            "Time to take and commit a snapshot",
            buckets=SNAPSHOT_BUCKETS,
            registry=registry,
        )
        self.snapshot_stream_seconds = Histogram(
            "audience_snapshot_stream_seconds",
            "Time to publish every batch of a snapshot",
            buckets=SNAPSHOT_BUCKETS,
            registry=registry,
        )
        self.recipients_published = Counter(
            "audience_recipients_published",
            "Recipients published in audience.recipients.resolved.v1 batches",
            registry=registry,
        )
        self.import_rows_dropped = Counter(
            "audience_import_rows_dropped",
            "Import rows PostgreSQL refused (stored row by row, the rest of the batch kept)",
            registry=registry,
        )
        self.statistics_seconds = Histogram(
            "audience_statistics_refresh_seconds",
            "Time to refresh the planner's statistics after a bulk import",
            buckets=SNAPSHOT_BUCKETS,
            registry=registry,
        )
        self.list_ids_stored = Counter(
            "audience_list_ids_stored",
            "Ids of uploaded lists stored (repeats and redeliveries included)",
            registry=registry,
        )
        self.estimate_seconds = Histogram(
            "audience_estimate_seconds",
            "Time to count an audience for an estimate",
            buckets=ESTIMATE_BUCKETS,
            registry=registry,
        )
        self.dialogs_seconds = Histogram(
            "audience_dialogs_seconds",
            "Time to read a page of the dialog list",
            buckets=ESTIMATE_BUCKETS,
            registry=registry,
        )
