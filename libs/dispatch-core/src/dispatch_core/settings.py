"""Settings every dispatcher reads from the environment, beside its own."""

from __future__ import annotations

from service_kit.settings import SecretsSettings


class DispatchSettings(SecretsSettings):
    """`DISPATCH_LEASE_SECONDS`: how long a process's hold on a connection lasts
    unless renewed (renewed every third of it; a successor of a process that died
    waits this long at most); `DISPATCH_INBOX_POLL_SECONDS`: how often a process
    looks for batches another one stored for a connection it sends for;
    `DISPATCH_HOLDER_ID`: this process's slot, as a lease holder (default: host
    name, service and HTTP port).  A process restarted in the same slot takes its
    leases back at once instead of waiting them out, so two processes that may
    run at the same time must never share it: on one host they differ by port,
    on Kubernetes and Compose the host name is the pod's or container's own.
    `SECRETS_KEYS` and `ENVIRONMENT` seal the connections' credentials
    (`service_kit.settings.SecretsSettings`).  `METRICS_CONNECTION_LABELS`: at most
    this many connections have their own `connection` label a process (the rest
    are `other`); `METRICS_SAMPLE_SECONDS`: how often the gauges read from the
    database (inbox jobs, paused connections) are read."""

    dispatch_lease_seconds: float = 10.0
    dispatch_inbox_poll_seconds: float = 1.0
    dispatch_holder_id: str = ""
    metrics_connection_labels: int = 100
    metrics_sample_seconds: float = 10.0
