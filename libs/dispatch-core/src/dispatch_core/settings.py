"""Settings every dispatcher reads from the environment, beside its own."""

from __future__ import annotations

from service_kit.settings import ServiceSettings


class DispatchSettings(ServiceSettings):
    """`DISPATCH_LEASE_SECONDS`: how long a process's hold on a connection lasts
    unless renewed (renewed every third of it; a successor of a process that died
    waits this long at most); `DISPATCH_INBOX_POLL_SECONDS`: how often a process
    looks for batches another one stored for a connection it sends for."""

    dispatch_lease_seconds: float = 10.0
    dispatch_inbox_poll_seconds: float = 1.0
