"""scheduler settings, from the environment."""

from __future__ import annotations

from service_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    """`SCHEDULER_PORT` (8082); `SNAPSHOT_LEAD_SECONDS`: how long before the start
    time the audience is snapshotted, so the first message leaves on time;
    `RELEASE_WINDOW`: deliveries of one campaign in flight at most (interval 0);
    `RELEASE_BATCH`: deliveries per dispatch message (why 6,000 and 2,000:
    docs/decisions/scheduler-release-batches.md); `FIRST_RELEASE_BATCH`: deliveries
    of a campaign's first release, made as it starts, so its first message leaves
    without waiting for a whole batch; `MAX_IDLE_SECONDS`: the
    longest the release loop sleeps without being woken;
    `RELEASE_LOOP_STALL_SECONDS`: /health fails when the loop made no progress
    for this long; `STALL_AFTER_SECONDS`: a running campaign with deliveries it may
    release and no release or outcome for this long counts as stalled;
    `METRICS_SAMPLE_SECONDS`: how often the gauges read from the database are read."""

    scheduler_port: int = 8082
    snapshot_lead_seconds: float = 5.0
    release_window: int = 6000
    release_batch: int = 2000
    first_release_batch: int = 100
    max_idle_seconds: float = 0.5
    release_loop_stall_seconds: float = 60.0
    stall_after_seconds: float = 300.0
    metrics_sample_seconds: float = 15.0
